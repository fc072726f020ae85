"""Facility pages: the list and a facility's current population, counted only in the user's scope."""

from datetime import date

import pytest
from django.urls import reverse

from casework.camps import selectors
from casework.core.dates import anniversary
from casework.people import selectors as people_selectors
from casework.people.filters import age_band_bounds
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def reads_of(captured) -> list[dict]:
    """The reading queries (PostgreSQL reads model choices through a server-side cursor: DECLARE)."""
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


LIST_URL = reverse("camps:facility_list")


def detail_url(facility) -> str:
    return reverse("camps:facility_detail", args=[facility.public_id])


@pytest.fixture
def roj():
    """Camp Roj, controlled by the AANES until 2026 and by the Syrian government since."""
    camp = factories.FacilityFactory(name="Camp Roj", name_ar="مخيم روج")
    aanes = factories.ControllingAuthorityFactory()
    government = factories.ControllingAuthorityFactory(name="Government of the Syrian Arab Republic", short_name="SAR")
    factories.FacilityControlPeriodFactory(
        facility=camp, authority=aanes, start_date=date(2019, 3, 1), end_date=date(2026, 1, 20)
    )
    factories.FacilityControlPeriodFactory(facility=camp, authority=government, start_date=date(2026, 1, 21))
    return camp


@pytest.fixture
def population(roj, org_a, org_b, caseworker_a):
    """Organisation A: four persons now in Roj (two sections), one who left; organisation B: two in Roj."""
    annex = factories.FacilitySectionFactory(facility=roj, name="Annex")
    phase = factories.FacilitySectionFactory(facility=roj, name="Phase 1")
    today = date.today()
    born = {
        "baby": anniversary(today, -(2)),
        "child": anniversary(today, -(7)),
        "boy": anniversary(today, -(12)),
    }
    people = {
        "mother": factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a),
        "baby": factories.PersonFactory(organisation=org_a, birth_date=born["baby"], birth_date_precision="exact"),
        "child": factories.PersonFactory(organisation=org_a, birth_date=born["child"], birth_date_precision="exact"),
        "boy": factories.PersonFactory(
            organisation=org_a, birth_date=born["boy"], birth_date_precision="exact", sex="male"
        ),
        "unknown": factories.PersonFactory(organisation=org_a, birth_date=None, birth_date_precision="unknown"),
    }
    factories.CustodyPeriodFactory(person=people["mother"], facility=roj, section=annex)
    factories.CustodyPeriodFactory(person=people["baby"], facility=roj, section=annex)
    factories.CustodyPeriodFactory(person=people["child"], facility=roj, section=phase)
    factories.CustodyPeriodFactory(person=people["unknown"], facility=roj, section=None)
    # The boy left for a rehabilitation centre: no longer counted in Roj.
    factories.CustodyPeriodFactory(person=people["boy"], facility=roj, section=phase, end_date=date(2024, 1, 1))
    factories.NationalityClaimFactory(person=people["mother"], country="FR")
    factories.NationalityClaimFactory(person=people["baby"], country="FR")
    factories.NationalityClaimFactory(person=people["child"], country="MA")
    for _ in range(2):
        factories.CustodyPeriodFactory(person=factories.PersonFactory(organisation=org_b), facility=roj, section=annex)
    return people


# --- List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [("caseworker_a", 4), ("caseworker_b", 2), ("superuser", 6)])
def test_list_counts_only_the_users_persons(request, client_for, roj, population, role, expected):
    response = client_for(request.getfixturevalue(role)).get(LIST_URL)

    assert response.status_code == 200
    (row,) = response.context["facilities"]
    assert row.population == expected
    assert row.current_authority_short == "SAR"
    html = response.content.decode()
    assert f'data-population="{expected}"' in html
    assert detail_url(roj) in html


def test_assigned_only_caseworker_counts_only_assigned_cases(client_for, fieldworker_a, roj, population):
    population["child"].assigned_to = fieldworker_a
    population["child"].save()

    response = client_for(fieldworker_a).get(LIST_URL)

    assert response.context["facilities"][0].population == 1


def test_facility_without_anyone_counts_zero(client_for, caseworker_a):
    factories.FacilityFactory(name="Houri centre", kind="rehabilitation_centre")

    response = client_for(caseworker_a).get(LIST_URL)

    assert response.context["facilities"][0].population == 0
    assert response.context["facilities"][0].current_authority is None


def test_user_without_the_view_capability_is_refused_facilities(client_for, org_a, roj):
    nobody = factories.UserFactory(organisation=org_a)
    client = client_for(nobody)

    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(roj)).status_code == 403


# Reads of the list: session, user, permissions (2), facilities with authority and population.
LIST_READS = 5


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_does_not_grow_with_facilities(
    client_for, caseworker_a, org_a, django_assert_max_num_queries, count
):
    for index in range(count):
        facility = factories.FacilityFactory(name=f"Centre {index}")
        factories.FacilityControlPeriodFactory(facility=facility)
        factories.CustodyPeriodFactory(person=factories.PersonFactory(organisation=org_a), facility=facility)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(LIST_READS + 3) as captured:
        response = client.get(LIST_URL)

    assert len(response.context["facilities"]) == count
    reads = reads_of(captured)
    assert len(reads) == LIST_READS, "\n".join(q["sql"][:150] for q in reads)


# --- Detail -------------------------------------------------------------------------------------


def test_detail_shows_population_by_section_nationality_and_age(client_for, caseworker_a, roj, population):
    response = client_for(caseworker_a).get(detail_url(roj))

    assert response.status_code == 200
    counts = response.context["population"]
    assert counts.total == 4
    assert dict(counts.by_section) == {"Annex": 2, "Phase 1": 1, None: 1}
    assert dict(counts.by_nationality) == {"FR": 2, "MA": 1, None: 1}
    assert {key: n for key, _label, n in counts.by_age_band} == {"0-4": 1, "5-10": 1, "11-17": 0, "18+": 1}
    assert counts.age_unknown == 1
    html = response.content.decode()
    assert "France" in html
    assert "Government of the Syrian Arab Republic" in html


def test_detail_counts_only_organisation_b_for_its_users(client_for, caseworker_b, roj, population):
    counts = client_for(caseworker_b).get(detail_url(roj)).context["population"]

    assert counts.total == 2
    assert dict(counts.by_section) == {"Annex": 2}


def test_detail_shows_the_controlling_authority_history(client_for, caseworker_a, roj):
    response = client_for(caseworker_a).get(detail_url(roj))

    periods = response.context["control_periods"]
    assert [p.authority.short_name for p in periods] == ["SAR", "AANES"]
    assert response.context["current_authority"].short_name == "SAR"


def test_controlling_authority_follows_the_date(roj):
    facility = selectors.facility_detail_queryset(user=factories.UserFactory(is_superuser=True)).get(pk=roj.pk)

    assert selectors.controlling_authority_on(facility, date(2020, 1, 1)).short_name == "AANES"
    assert selectors.controlling_authority_on(facility, date(2026, 2, 1)).short_name == "SAR"
    assert selectors.controlling_authority_on(facility, date(2018, 1, 1)) is None


def test_missing_facility_is_not_found(client_for, caseworker_a):
    missing = reverse("camps:facility_detail", args=["00000000-0000-0000-0000-000000000000"])

    assert client_for(caseworker_a).get(missing).status_code == 404


def test_integer_ids_are_not_urls(client_for, caseworker_a, roj):
    assert client_for(caseworker_a).get(f"/facilities/{roj.pk}/").status_code == 404


def test_age_bands_match_the_person_list_bounds(caseworker_a, roj, population):
    """The facility's bands count the same persons as the person list's age filter."""
    counts = people_selectors.facility_population(facility=roj, user=caseworker_a)
    here = Person.objects.visible_to(caseworker_a).filter(custody_periods__facility=roj, custody_periods__end_date=None)
    for key, _label, n in counts.by_age_band:
        assert here.filter(age_band_bounds(key, date.today())).count() == n


# Reads of the detail: session, user, permissions (2), the facility, its sections, its control
# periods with authorities, and the three population aggregates.
DETAIL_READS = 9


@pytest.mark.parametrize("size", [5, 50])
def test_detail_query_count_does_not_grow_with_population(
    client_for, caseworker_a, org_a, roj, django_assert_max_num_queries, size
):
    # As many sections and States as there are rows of five persons: every table of the page grows.
    sections = [factories.FacilitySectionFactory(facility=roj, name=f"Phase {n}") for n in range(size // 5)]
    states = ["FR", "MA", "RU", "TR", "DE", "BE", "NL", "SE", "TN", "GB"]
    for index in range(size):
        person = factories.PersonFactory(organisation=org_a)
        factories.CustodyPeriodFactory(person=person, facility=roj, section=sections[index // 5])
        factories.NationalityClaimFactory(person=person, country=states[index // 5])
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(DETAIL_READS + 3) as captured:
        response = client.get(detail_url(roj))

    assert response.context["population"].total == size
    reads = reads_of(captured)
    assert len(reads) == DETAIL_READS, "\n".join(q["sql"][:150] for q in reads)

"""Family links (search, scope, inverse links, links at intake) and custody moves on the record pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.people.models import CustodyPeriod, DnaTest, FamilyLink
from casework.screenings.models import Screening
from tests import factories
from tests.web.person_records.helpers import list_url, record_url, version

pytestmark = pytest.mark.django_db


# --- Family links --------------------------------------------------------------------------------


@pytest.fixture
def relative_a(org_a, caseworker_a):
    return factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, sex="female", given_name_lat="Amina")


def test_family_search_offers_only_persons_in_scope(client_for, caseworker_a, person_a, relative_a, org_b):
    outsider = factories.PersonFactory(organisation=org_b, given_name_lat="Amina")

    response = client_for(caseworker_a).post(list_url("family", person_a), {"q": "Amina", "action": "search"})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(relative_a.public_id) in html
    assert str(outsider.public_id) not in html
    assert not FamilyLink.objects.exists()  # a search saves nothing


def test_family_search_in_the_url_is_ignored(client_for, caseworker_a, person_a, relative_a):
    response = client_for(caseworker_a).get(list_url("family", person_a), {"q": "Amina"})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(relative_a.public_id) not in html
    assert 'value="Amina"' not in html


def test_family_search_form_posts_the_search(client_for, caseworker_a, person_a):
    html = client_for(caseworker_a).get(list_url("family", person_a)).content.decode()

    form = html[html.index('<form method="post" action="" enctype="multipart/form-data" id="record-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="q"' in form
    assert 'name="action" value="search"' in form


@pytest.fixture
def link_to_a_relative_outside_the_caseload(caseworker_a, fieldworker_a, org_a):
    """A case of the assigned-only fieldworker, linked to a relative assigned to caseworker_a."""
    person = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, sex="male")
    relative = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, sex="female")
    link = factories.FamilyLinkFactory(person=person, relative=relative, relation="mother")
    inverse = factories.FamilyLinkFactory(person=relative, relative=person, relation="child")
    return link, inverse


def test_assigned_only_caseworker_cannot_remove_a_family_link_to_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, inverse = link_to_a_relative_outside_the_caseload

    response = client_for(fieldworker_a).post(record_url("family", "remove", link), {"version": version(link)})

    assert response.status_code == 404
    assert FamilyLink.objects.filter(pk__in=[link.pk, inverse.pk]).count() == 2


def test_assigned_only_caseworker_cannot_edit_a_family_link_to_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, inverse = link_to_a_relative_outside_the_caseload
    client = client_for(fieldworker_a)

    assert client.get(record_url("family", "update", link)).status_code == 404
    response = client.post(
        record_url("family", "update", link),
        {"relation": "guardian", "is_verified": "on", "notes": "x", "version": version(link)},
    )

    assert response.status_code == 404
    inverse.refresh_from_db()
    assert (inverse.relation, inverse.is_verified, inverse.notes) == ("child", False, "")


def test_family_list_offers_no_edit_or_remove_for_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, _inverse = link_to_a_relative_outside_the_caseload
    own_relative = factories.PersonFactory(organisation=link.person.organisation, assigned_to=fieldworker_a)
    visible_link = factories.FamilyLinkFactory(person=link.person, relative=own_relative, relation="sibling")

    html = client_for(fieldworker_a).get(list_url("family", link.person)).content.decode()

    assert record_url("family", "update", link) not in html
    assert record_url("family", "remove", link) not in html
    assert record_url("family", "update", visible_link) in html
    assert record_url("family", "remove", visible_link) in html


def test_family_link_is_created_with_its_inverse_and_removed_with_it(client_for, caseworker_a, person_a, relative_a):
    client = client_for(caseworker_a)

    response = client.post(
        list_url("family", person_a), {"relation": "mother", "relative": str(relative_a.public_id), "notes": ""}
    )

    assert response.status_code == 302
    link = FamilyLink.objects.get(person=person_a)
    assert link.relative == relative_a and link.relation == "mother"
    inverse = FamilyLink.objects.get(person=relative_a)
    assert inverse.relative == person_a and inverse.relation == "child"

    client.post(
        record_url("family", "update", link),
        {"relation": "mother", "is_verified": "on", "notes": "", "version": version(link)},
    )
    inverse.refresh_from_db()
    assert inverse.is_verified  # edits are mirrored on the inverse link

    link.refresh_from_db()
    client.post(record_url("family", "remove", link), {"version": version(link)})
    assert not FamilyLink.objects.filter(person__in=[person_a, relative_a]).exists()


@pytest.mark.parametrize("target", ["self", "other_organisation", "garbage"])
def test_family_link_to_oneself_or_outside_the_scope_is_a_field_error(
    client_for, caseworker_a, person_a, person_b, target
):
    relative = {"self": str(person_a.public_id), "other_organisation": str(person_b.public_id), "garbage": "x"}[target]

    response = client_for(caseworker_a).post(
        list_url("family", person_a), {"relation": "sibling", "relative": relative}
    )

    assert response.status_code == 200
    assert 'href="#id_relative"' in response.content.decode()
    assert not FamilyLink.objects.exists()


# --- Custody -------------------------------------------------------------------------------------


def test_custody_move_closes_the_current_period(client_for, caseworker_a, person_a):
    first = factories.CustodyPeriodFactory(person=person_a, start_date=date(2020, 1, 1))
    facility = factories.FacilityFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a),
        {"facility": facility.pk, "start_date": "2023-05-01", "reason": "transfer", "notes": ""},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.end_date == date(2023, 5, 1)
    assert CustodyPeriod.objects.get(person=person_a, end_date__isnull=True).facility == facility


def test_custody_move_dated_before_the_current_period_is_an_error(client_for, caseworker_a, person_a):
    factories.CustodyPeriodFactory(person=person_a, start_date=date(2022, 1, 1))
    facility = factories.FacilityFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a), {"facility": facility.pk, "start_date": "2021-05-01", "reason": "transfer"}
    )

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert CustodyPeriod.objects.filter(person=person_a).count() == 1


def test_exact_location_is_offered_and_shown_only_with_the_sensitive_permission(
    client_for, caseworker_a, sensitive_supervisor_a, person_a
):
    period = factories.CustodyPeriodFactory(person=person_a)

    html = client_for(caseworker_a).get(list_url("custody", person_a)).content.decode()
    assert period.exact_location not in html and 'name="exact_location"' not in html

    html = client_for(sensitive_supervisor_a).get(list_url("custody", person_a)).content.decode()
    assert period.exact_location in html and 'name="exact_location"' in html
    assert AuditEvent.objects.filter(action=SENSITIVE_READ, target_id=str(period.public_id)).exists()


def test_screening_is_added_by_a_permitted_user(client_for, sensitive_supervisor_a, person_a):
    response = client_for(sensitive_supervisor_a).post(
        list_url("screening", person_a, "screenings"),
        {"screened_on": "2024-02-01", "outcome": "cleared", "findings": "Synthetic.", "location": "Hasakah"},
    )

    assert response.status_code == 302
    screening = Screening.objects.get(person=person_a)
    assert screening.recorded_by == sensitive_supervisor_a
    assert AuditEvent.objects.filter(action="screenings.screening.added").exists()


def test_dna_test_dates_out_of_order_are_a_field_error(client_for, sensitive_supervisor_a, person_a):
    response = client_for(sensitive_supervisor_a).post(
        list_url("dna", person_a), {"requested_on": "2025-02-01", "sampled_on": "2025-01-01", "outcome": "pending"}
    )

    assert response.status_code == 200
    assert 'href="#id_sampled_on"' in response.content.decode()
    assert not DnaTest.objects.exists()


# --- Family links at intake ----------------------------------------------------------------------


def test_intake_creates_family_links_to_existing_persons_with_their_inverse(client_for, caseworker_a, relative_a):
    from tests.web.test_person_intake import intake_data

    client = client_for(caseworker_a)
    search = client.post(
        reverse("people:person_create"), {**intake_data(), "family_q": "Amina", "action": "family_search"}
    )
    assert str(relative_a.public_id) in search.content.decode()

    response = client.post(
        reverse("people:person_create"),
        intake_data(
            family=[{"relation": "mother", "relative": str(relative_a.public_id)}], assigned_to=str(caseworker_a.pk)
        ),
    )

    assert response.status_code == 302
    link = FamilyLink.objects.get(relative=relative_a)
    assert link.relation == "mother"
    assert FamilyLink.objects.get(person=relative_a).relative == link.person


def test_intake_family_link_outside_the_scope_is_an_error_and_nothing_is_registered(client_for, caseworker_a, person_b):
    from casework.people.models import Person
    from tests.web.test_person_intake import intake_data

    before = Person.objects.count()
    response = client_for(caseworker_a).post(
        reverse("people:person_create"),
        intake_data(family=[{"relation": "mother", "relative": str(person_b.public_id)}]),
    )

    assert response.status_code == 200
    assert 'href="#id_family-0-relative"' in response.content.decode()
    assert Person.objects.count() == before
    assert not FamilyLink.objects.exists()


def test_custody_move_to_a_section_of_another_facility_is_a_field_error(client_for, caseworker_a, person_a):
    facility = factories.FacilityFactory()
    other_section = factories.FacilitySectionFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a),
        {
            "facility": facility.pk,
            "section": other_section.pk,
            "start_date": str(date.today() - timedelta(days=1)),
            "reason": "transfer",
        },
    )

    assert 'href="#id_section"' in response.content.decode()
    assert not CustodyPeriod.objects.filter(person=person_a).exists()

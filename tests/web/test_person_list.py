"""The person list: scope per role, filters, sorting, htmx partial, CSV export and query counts."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django import forms
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django_countries import countries

from casework.core.dates import anniversary
from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.core.spreadsheets import neutralise_cell
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES
from casework.people.filters import OPEN_REQUEST_STATUSES, CachedOptionsSelect, age_band_bounds
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:person_list")
EXPORT_URL = reverse("people:person_export")

ROLES = ["caseworker_a", "fieldworker_a", "supervisor_a", "sensitive_supervisor_a", "auditor_a", "superuser"]


def case_numbers(response) -> list[str]:
    """Case numbers of the rows shown, in order."""
    html = response.content.decode()
    marker = 'data-case-number="'
    numbers = []
    start = html.find(marker)
    while start != -1:
        end = html.index('"', start + len(marker))
        numbers.append(html[start + len(marker) : end])
        start = html.find(marker, end)
    return numbers


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_of_organisation_a_sees_its_persons_and_never_organisation_b(
    request, client_for, role, person_a, person_b
):
    user = request.getfixturevalue(role)

    response = client_for(user).get(LIST_URL)

    assert response.status_code == 200
    shown = case_numbers(response)
    if role == "superuser":
        assert {person_a.case_number, person_b.case_number} <= set(shown)
    elif role == "fieldworker_a":
        assert shown == []  # person_a is assigned to caseworker_a, not to them
    else:
        assert shown == [person_a.case_number]


def test_assigned_only_caseworker_sees_only_assigned_cases(client_for, fieldworker_a, org_a, person_a):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)

    response = client_for(fieldworker_a).get(LIST_URL)

    assert case_numbers(response) == [mine.case_number]


def test_caseworker_b_does_not_see_organisation_a(client_for, caseworker_b, person_a, person_b):
    response = client_for(caseworker_b).get(LIST_URL)

    assert case_numbers(response) == [person_b.case_number]


def test_anonymous_user_is_sent_to_login(client):
    for url in (LIST_URL, EXPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# --- Filters -----------------------------------------------------------------------------------


@pytest.fixture
def caseload(org_a, caseworker_a, supervisor_a):
    """A small, varied caseload of organisation A, keyed by a nickname."""
    camp = factories.FacilityFactory(name="Camp Roj")
    annex = factories.FacilitySectionFactory(facility=camp, name="Annex")
    other_camp = factories.FacilityFactory(name="Camp Hol")
    today = date.today()
    people = {
        "fatima": factories.PersonFactory(
            organisation=org_a,
            case_number="ORGA-000001",
            given_name_lat="Fatima",
            family_name_lat="al-Faransi",
            given_name_ar="فاطمة",
            sex="female",
            birth_date=date(1990, 5, 1),
            birth_date_precision="exact",
            assigned_to=caseworker_a,
            status="registered",
        ),
        "yusuf": factories.PersonFactory(
            organisation=org_a,
            case_number="ORGA-000002",
            given_name_lat="Yusuf",
            family_name_lat="Petrov",
            given_name_ar="يوسف",
            sex="male",
            birth_date=anniversary(today, -(7)),
            birth_date_precision="exact",
            separation_status="unaccompanied",
            medical_urgent=True,
            assigned_to=supervisor_a,
            status="assessment",
        ),
        "maryam": factories.PersonFactory(
            organisation=org_a,
            case_number="ORGA-000003",
            given_name_lat="Maryam",
            family_name_lat="Yilmaz",
            given_name_ar="مريم",
            sex="female",
            birth_date=anniversary(today, -(3)),
            birth_date_precision="exact",
            status="request_pending",
        ),
        "omar": factories.PersonFactory(
            organisation=org_a,
            case_number="ORGA-000004",
            given_name_lat="Omar",
            family_name_lat="Dupont",
            given_name_ar="عمر",
            sex="male",
            birth_date=anniversary(today, -(15)),
            birth_date_precision="exact",
            status="registered",
        ),
    }
    factories.AliasFactory(person=people["fatima"], name="Umm Yusuf")
    factories.NationalityClaimFactory(person=people["fatima"], country="FR")
    factories.NationalityClaimFactory(person=people["yusuf"], country="RU")
    factories.NationalityClaimFactory(person=people["maryam"], country="TR")
    factories.NationalityClaimFactory(person=people["omar"], country="FR", is_primary=False)
    factories.CustodyPeriodFactory(person=people["fatima"], facility=camp, section=annex)
    factories.CustodyPeriodFactory(person=people["yusuf"], facility=camp)
    factories.CustodyPeriodFactory(
        person=people["omar"], facility=camp, section=annex, start_date=date(2019, 1, 1), end_date=date(2019, 3, 1)
    )
    factories.CustodyPeriodFactory(person=people["omar"], facility=other_camp, start_date=date(2019, 3, 1))
    ru = factories.GovernmentAuthorityFactory(country="RU", name="Ministry of Foreign Affairs of Russia")
    factories.RequestedPersonFactory(
        person=people["maryam"], request__organisation=org_a, request__submitted=True
    )  # to France
    factories.RequestedPersonFactory(
        person=people["yusuf"], request__organisation=org_a, request__authority=ru, request__status="refused"
    )
    people["camp"], people["annex"], people["other_camp"] = camp, annex, other_camp
    return people


def _numbers(*people) -> list[str]:
    return sorted(p.case_number for p in people)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "fatima"}, ["fatima"]),
        ({"q": "FATIMA al faransi"}, ["fatima"]),  # words in any case, punctuation folded
        ({"q": "فاطمة"}, ["fatima"]),
        ({"q": "umm yusuf"}, ["fatima"]),  # alias
        ({"q": "yusuf"}, ["yusuf"]),  # a name, not the kunya "Umm Yusuf" of Fatima (a kunya matches kunyas)
        ({"q": "ORGA-000003"}, ["maryam"]),
        ({"q": "orga-00000"}, ["fatima", "yusuf", "maryam", "omar"]),  # case-number prefix
        ({"q": "nobody"}, []),
        ({"status": "registered"}, ["fatima", "omar"]),
        ({"sex": "male"}, ["yusuf", "omar"]),
        ({"nationality": "FR"}, ["fatima", "omar"]),  # any claim, main or not
        ({"nationality": "RU"}, ["yusuf"]),
        ({"age_band": "0-4"}, ["maryam"]),
        ({"age_band": "5-10"}, ["yusuf"]),
        ({"age_band": "11-17"}, ["omar"]),
        ({"age_band": "18+"}, ["fatima"]),
        ({"separation_status": "unaccompanied"}, ["yusuf"]),
        ({"has_open_request": "true"}, ["maryam"]),
        ({"has_open_request": "false"}, ["fatima", "yusuf", "omar"]),
        ({"request_state": "RU"}, ["yusuf"]),
        ({"request_state": "FR"}, ["maryam"]),
        ({"status": "registered", "sex": "male"}, ["omar"]),
    ],
)
def test_filters_select_the_matching_persons(client_for, caseworker_a, caseload, query, expected):
    response = client_for(caseworker_a).get(LIST_URL, query)

    assert response.status_code == 200
    assert sorted(case_numbers(response)) == _numbers(*(caseload[name] for name in expected))


def test_location_filter_uses_the_current_custody_period(client_for, caseworker_a, caseload):
    client = client_for(caseworker_a)

    by_camp = client.get(LIST_URL, {"location": f"f:{caseload['camp'].public_id}"})
    by_section = client.get(LIST_URL, {"location": f"s:{caseload['annex'].public_id}"})
    by_other = client.get(LIST_URL, {"location": f"f:{caseload['other_camp'].public_id}"})

    assert sorted(case_numbers(by_camp)) == _numbers(caseload["fatima"], caseload["yusuf"])
    assert case_numbers(by_section) == [caseload["fatima"].case_number]  # Omar left the Annex
    assert case_numbers(by_other) == [caseload["omar"].case_number]


def test_assigned_caseworker_filter_offers_only_users_of_the_organisation(
    client_for, caseworker_a, supervisor_a, caseworker_b, caseload
):
    client = client_for(caseworker_a)

    response = client.get(LIST_URL, {"assigned_to": supervisor_a.pk})
    foreign = client.get(LIST_URL, {"assigned_to": caseworker_b.pk})

    assert case_numbers(response) == [caseload["yusuf"].case_number]
    assert "caseworker_b" not in response.content.decode()
    assert case_numbers(foreign) == []  # not a valid choice: nothing, and a form error
    assert "Select a valid choice" in foreign.content.decode()


def test_medical_urgent_filter_exists_only_with_the_sensitive_permission(
    client_for, caseworker_a, sensitive_supervisor_a, caseload
):
    without = client_for(caseworker_a).get(LIST_URL, {"medical_urgent": "true"})
    with_permission = client_for(sensitive_supervisor_a).get(LIST_URL, {"medical_urgent": "true"})

    # Without the permission the parameter is ignored: filtering on it would reveal an L3 field.
    assert len(case_numbers(without)) == 4
    assert 'name="medical_urgent"' not in without.content.decode()
    assert case_numbers(with_permission) == [caseload["yusuf"].case_number]


def test_open_request_statuses_match_the_requests_app():
    assert {*AWAITING_ANSWER_STATUSES, "draft"} == OPEN_REQUEST_STATUSES


@pytest.mark.parametrize("years", [0, 4, 5, 10, 11, 17, 18, 40])
def test_age_band_bounds_agree_with_person_age(org_a, years):
    today = date(2024, 2, 29)
    band = {0: "0-4", 4: "0-4", 5: "5-10", 10: "5-10", 11: "11-17", 17: "11-17", 18: "18+", 40: "18+"}[years]
    for born in (anniversary(today, -(years)), anniversary(today, -(years + 1)) + timedelta(days=1)):
        person = factories.PersonFactory(organisation=org_a, birth_date=born, birth_date_precision="exact")
        assert person.age_on(today) == years
        assert Person.objects.filter(age_band_bounds(band, today), pk=person.pk).exists()


def test_filter_state_and_sort_are_kept_in_the_links(client_for, caseworker_a, caseload):
    response = client_for(caseworker_a).get(LIST_URL, {"status": "registered", "sort": "-name"})
    html = response.content.decode()

    # Family names (Latin), case-insensitive, descending: Dupont, al-Faransi.
    assert case_numbers(response) == [caseload["omar"].case_number, caseload["fatima"].case_number]
    assert "status=registered&amp;sort=name" in html  # the sorted column's link reverses the sort
    assert 'aria-sort="descending"' in html
    assert f"{EXPORT_URL}?status=registered&amp;sort=-name" in html


def test_sort_by_name_descending(client_for, caseworker_a, caseload):
    response = client_for(caseworker_a).get(LIST_URL, {"sort": "-name"})

    # Family names (Latin): Yilmaz, Petrov, Dupont, al-Faransi.
    assert case_numbers(response) == [caseload[name].case_number for name in ("maryam", "yusuf", "omar", "fatima")]


def test_sort_by_age_puts_the_youngest_first(client_for, caseworker_a, caseload):
    response = client_for(caseworker_a).get(LIST_URL, {"sort": "age"})

    assert case_numbers(response) == [caseload[name].case_number for name in ("maryam", "yusuf", "omar", "fatima")]


def test_list_shows_a_count_and_pages_through_the_caseload(client_for, caseworker_a, org_a):
    for _index in range(30):
        factories.PersonFactory(organisation=org_a)
    client = client_for(caseworker_a)

    first = client.get(LIST_URL)
    seen = case_numbers(first)
    assert "30 persons" in first.content.decode()
    assert first.context["page"].has_next
    second = client.get(LIST_URL, {"cursor": first.context["page"].next_cursor})
    seen += case_numbers(second)

    assert len(seen) == 30 == len(set(seen))
    assert not second.context["page"].has_next


def test_htmx_request_gets_only_the_table(client_for, caseworker_a, caseload):
    response = client_for(caseworker_a).get(LIST_URL, {"sex": "male"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.templates[0].name == "people/_person_table.html"
    assert "<html" not in html and 'id="person-table"' in html
    assert sorted(case_numbers(response)) == _numbers(caseload["yusuf"], caseload["omar"])
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_for, caseworker_a):
    response = client_for(caseworker_a).get(
        LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


# --- CSV export --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_neutralise_cell_prefixes_formula_starts(value):
    assert neutralise_cell(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Fatima", "ORGA-000001", "", None, 7, "a=b"])
def test_neutralise_cell_leaves_other_values(value):
    assert neutralise_cell(value) == ("" if value is None else str(value))


def test_csv_export_has_the_filtered_rows_neutralised_and_no_l3_columns(client_for, caseworker_a, caseload):
    caseload["fatima"].family_name_lat = "=HYPERLINK(1)"
    caseload["fatima"].save()

    response = client_for(caseworker_a).get(EXPORT_URL, {"sex": "female", "q": "fatima"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == [caseload["fatima"].case_number]
    assert body[0][header.index("Family name (Latin)")] == "'=HYPERLINK(1)"
    assert body[0][header.index("Given name (Arabic)")] == "فاطمة"
    assert body[0][header.index("Nationality")] == "France"
    assert body[0][header.index("Facility")] == "Camp Roj"
    assert not {"Urgent medical case", "Exact location (block, tent)", "Disability"} & set(header)


def test_csv_export_is_audited_with_filter_keys_not_values(client_for, caseworker_a, caseload):
    client_for(caseworker_a).get(EXPORT_URL, {"q": "fatima", "status": "registered"})

    event = AuditEvent.objects.get(action="people.person.exported")
    assert event.actor == caseworker_a
    assert event.data["count"] == 1
    assert event.data["filters"] == ["q", "status"]
    assert "fatima" not in str(event.data).lower()
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_csv_export_has_l3_columns_with_the_permission_and_logs_the_reading(
    client_for, sensitive_supervisor_a, caseload
):
    client = client_for(sensitive_supervisor_a)
    # First the reader says why (the page asks, keeping the filters); nothing is exported or logged yet.
    asked = client.get(EXPORT_URL, {"q": "yusuf petrov"})
    assert asked.status_code == 200 and 'id="export-purpose-form"' in asked.content.decode()
    assert ("q", "yusuf petrov") in asked.context["kept"]
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()
    response = client.get(EXPORT_URL, {"q": "yusuf petrov", "purpose": "referral"})

    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert body[0][header.index("Urgent medical case")] == "yes"
    assert body[0][header.index("Exact location (block, tent)")] == "Block 4, tent 12"
    event = AuditEvent.objects.get(action=SENSITIVE_READ)
    assert event.data["context"] == "person_export"
    assert event.data["persons"] == [str(caseload["yusuf"].public_id)]
    assert event.data["purpose"] == "referral"


def test_csv_export_of_other_organisation_rows_is_impossible(client_for, caseworker_b, caseload, person_b):
    rows = csv_rows(client_for(caseworker_b).get(EXPORT_URL))

    assert [row[0] for row in rows[1:]] == [person_b.case_number]


def test_csv_export_is_refused_without_view_person(client_for, org_a, caseload):
    no_role = factories.UserFactory(username="no_role_a", organisation=org_a)

    assert client_for(no_role).get(EXPORT_URL).status_code == 403
    assert not AuditEvent.objects.filter(action="people.person.exported").exists()


# --- Query counts ------------------------------------------------------------------------------


def _make_persons(org, count: int) -> None:
    camp = factories.FacilityFactory(name="Camp Q")
    section = factories.FacilitySectionFactory(facility=camp, name="Phase 1")
    for _index in range(count):
        person = factories.PersonFactory(organisation=org)
        factories.CustodyPeriodFactory(person=person, facility=camp, section=section)
        factories.NationalityClaimFactory(person=person, country="FR")
        factories.AliasFactory(person=person)


# Reads of one list page (any number of rows), once the facility/section choices are cached (they
# are reference data, cached for 60 s per process, so the first request of a process reads them):
#  1 session, 2 user, 3-4 permissions (user's, groups'), 5 caseworker choices,
#  6 the page's rows (nationality and location by subquery), 7 the count (capped: LIMIT in a subquery).
# Then the session is saved (sliding idle expiry): an UPDATE, which a test transaction wraps in
# SAVEPOINT/RELEASE on PostgreSQL or BEGIN/COMMIT on SQLite. The read log of the page: one INSERT
# (core.access), whatever the number of rows.
LIST_READS = 7
LIST_QUERIES_MAX = LIST_READS + 3 + 1
# A name search adds the matcher's queries (key counts, blocking, persons, aliases), whatever the rows.
MATCHER_READS = 4


@pytest.mark.parametrize("rows", [5, 50])
def test_person_list_query_count_does_not_grow_with_rows(
    client_for, caseworker_a, org_a, django_assert_max_num_queries, rows
):
    _make_persons(org_a, rows)
    client = client_for(caseworker_a)
    client.get(LIST_URL)  # the first request caches the location choices

    with django_assert_max_num_queries(LIST_QUERIES_MAX + MATCHER_READS) as captured:
        response = client.get(LIST_URL, {"q": "ahmed", "nationality": "FR", "sort": "-updated"})

    assert len(case_numbers(response)) == min(rows, 25)
    reads = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) == LIST_READS + MATCHER_READS, "\n".join(q["sql"] for q in reads)


def test_person_list_query_count_on_page_two_equals_page_one(
    client_for, caseworker_a, org_a, django_assert_max_num_queries
):
    _make_persons(org_a, 60)
    client = client_for(caseworker_a)
    cursor = client.get(LIST_URL).context["page"].next_cursor

    with django_assert_max_num_queries(LIST_QUERIES_MAX):
        response = client.get(LIST_URL, {"cursor": cursor})

    assert len(case_numbers(response)) == 25


def test_location_choices_are_cached_and_forgotten_when_a_facility_changes(client_for, caseworker_a, org_a):
    client = client_for(caseworker_a)
    camp = factories.FacilityFactory(name="Camp Cached")
    assert "Camp Cached" in client.get(LIST_URL).content.decode()

    camp.name = "Camp Renamed"
    camp.save()

    page = client.get(LIST_URL).content.decode()
    assert "Camp Renamed" in page
    assert "Camp Cached" not in page


# --- Count cap and cached country options ------------------------------------------------------


@pytest.mark.parametrize(
    ("persons", "shown", "not_shown"),
    [(4, "3+ persons", "4 persons"), (3, "3 persons", "3+")],
    ids=["beyond_the_cap", "up_to_the_cap"],
)
def test_the_count_is_exact_up_to_the_cap_and_cap_plus_beyond(
    client_for, caseworker_a, org_a, monkeypatch, persons, shown, not_shown
):
    monkeypatch.setattr("casework.people.views.COUNT_CAP", 3)
    for _index in range(persons):
        factories.PersonFactory(organisation=org_a)

    html = client_for(caseworker_a).get(LIST_URL).content.decode()

    assert shown in html
    assert not_shown not in html


def test_country_selects_keep_the_selected_state_and_every_option(client_for, caseworker_a, caseload):
    client = client_for(caseworker_a)
    client.get(LIST_URL)  # caches the options

    html = client.get(LIST_URL, {"nationality": "FR"}).content.decode()

    assert '<option value="FR" selected>' in html
    assert html.count('<option value="FR"') == 2  # nationality and State of request
    assert html.count('<option value="IQ">') == 2
    assert 'name="request_state"' in html


@pytest.mark.parametrize("value", ["FR", "", None, 'X"><script>'])
def test_cached_options_select_renders_as_django_select(value):
    choices = [("", "---------"), *countries]
    attrs = {"id": "id_nationality", "class": "form-select", "aria-invalid": "true"}

    cached = CachedOptionsSelect(choices=choices, cache_key="test").render("nationality", value, attrs)
    cached_again = CachedOptionsSelect(choices=choices, cache_key="test").render("nationality", value, attrs)
    stock = forms.Select(choices=choices).render("nationality", value, attrs)

    def normalise(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip()).replace(' selected="selected"', " selected")

    assert normalise(cached) == normalise(cached_again) == normalise(stock)


def test_country_options_are_cached_per_language(client_for, caseworker_a, caseload):
    client = client_for(caseworker_a)
    english = client.get(LIST_URL).content.decode()
    client.post(reverse("set_language"), {"language": "fr", "next": LIST_URL})
    french = client.get(LIST_URL).content.decode()

    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">Allemagne</option>' in french


def test_statelessness_risk_filter_finds_unregistered_births_and_flagged_claims(client_for, caseworker_a, caseload):
    unregistered = caseload["maryam"]
    unregistered.birth_unregistered = True
    unregistered.save()
    caseload["fatima"].nationality_claims.update(statelessness_risk=True)
    client = client_for(caseworker_a)

    at_risk = client.get(LIST_URL, {"statelessness_risk": "true"})
    not_at_risk = client.get(LIST_URL, {"statelessness_risk": "false"})

    assert sorted(case_numbers(at_risk)) == _numbers(caseload["fatima"], unregistered)
    assert sorted(case_numbers(not_at_risk)) == _numbers(caseload["yusuf"], caseload["omar"])

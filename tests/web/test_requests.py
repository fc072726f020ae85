"""Government request pages: list, create, detail and its actions, printable summary.

Each endpoint: allowed roles, another organisation (404), a missing capability (403), bad input
(field errors, nothing saved), and pinned query counts on the list.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.govrequests import selectors, services
from casework.govrequests.choices import Decision, EventKind, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson, RequestEvent, RequestStatusChange
from tests import factories

pytestmark = pytest.mark.django_db


def reads_of(captured) -> list[dict]:
    """The reading queries (PostgreSQL reads model choices through a server-side cursor: DECLARE)."""
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


RS = RequestStatus

LIST_URL = reverse("govrequests:request_list")
CREATE_URL = reverse("govrequests:request_create")


def url(name: str, gov_request: GovernmentRequest) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id])


def references(response) -> list[str]:
    """References of the rows shown, in order."""
    html = response.content.decode()
    marker = 'data-reference="'
    found = []
    start = html.find(marker)
    while start != -1:
        end = html.index('"', start + len(marker))
        found.append(html[start + len(marker) : end])
        start = html.find(marker, end)
    return found


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")


@pytest.fixture
def family_a(org_a, caseworker_a):
    """A mother and two children of organisation A, in one household."""
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(
        organisation=org_a,
        assigned_to=caseworker_a,
        household=household,
        given_name_lat="Amina",
        family_name_lat="Dupont",
    )
    children = [
        # The Arabic name given with the Latin one: the factory cycles its Arabic names on their own, so "Yusuf"
        # could otherwise be مريم, and a search for "maryam" would rightly find him too.
        factories.PersonFactory(
            organisation=org_a,
            household=household,
            child=True,
            given_name_lat=name,
            given_name_ar=arabic,
            family_name_lat="Dupont",
        )
        for name, arabic in (("Yusuf", "يوسف"), ("Maryam", "مريم"))
    ]
    return [mother, *children]


@pytest.fixture
def request_a(org_a, family_a, authority):
    """A submitted request of organisation A covering the family."""
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, submitted=True, reference="ORGA-R2025-00001"
    )
    for person in family_a:
        factories.RequestedPersonFactory(request=gov_request, person=person)
    return gov_request


@pytest.fixture
def request_b(org_b, person_b, authority):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_b, authority=authority, reference="ORGB-R2025-00001"
    )
    factories.RequestedPersonFactory(request=gov_request, person=person_b)
    return gov_request


# --- List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a"])
def test_roles_of_organisation_a_list_its_requests_and_never_organisation_b(
    request, client_for, role, request_a, request_b
):
    response = client_for(request.getfixturevalue(role)).get(LIST_URL)

    assert response.status_code == 200
    assert references(response) == [request_a.reference]
    html = response.content.decode()
    assert "Ministry of Foreign Affairs" in html
    assert "France" in html


def test_superuser_lists_every_organisation(client_for, superuser, request_a, request_b):
    response = client_for(superuser).get(LIST_URL)

    assert set(references(response)) == {request_a.reference, request_b.reference}


def test_assigned_only_caseworker_lists_only_requests_covering_their_cases(
    client_for, fieldworker_a, org_a, request_a, authority
):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    theirs = factories.RequestedPersonFactory(request__organisation=org_a, request__authority=authority, person=mine)

    response = client_for(fieldworker_a).get(LIST_URL)

    assert references(response) == [theirs.request.reference]


def test_user_without_the_view_capability_is_refused_the_list(client_for, org_a, request_a):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(LIST_URL).status_code == 403


def test_anonymous_user_is_sent_to_login(client, request_a):
    for target in (LIST_URL, CREATE_URL, url("request_detail", request_a), url("request_summary", request_a)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_list_shows_the_persons_count_and_the_dates(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(LIST_URL)

    row = response.context["rows"][0]
    assert row[0].person_count == 3
    assert row[1].days_since_sent == (date.today() - date(2025, 1, 10)).days


@pytest.fixture
def varied_requests(org_a, authority):
    """Requests of organisation A in different states and to different States, keyed by nickname."""
    today = date.today()
    morocco = factories.GovernmentAuthorityFactory(country="MA", name="Ministère des Affaires étrangères")
    return {
        "draft": factories.GovernmentRequestFactory(organisation=org_a, authority=authority, reference="A-DRAFT"),
        "unacknowledged": factories.GovernmentRequestFactory(
            organisation=org_a,
            authority=authority,
            reference="A-UNACK",
            status=RS.SUBMITTED,
            drafted_on=today - timedelta(days=30),
            submitted_on=today - timedelta(days=20),
        ),
        "fresh": factories.GovernmentRequestFactory(
            organisation=org_a,
            authority=morocco,
            reference="A-FRESH",
            status=RS.SUBMITTED,
            drafted_on=today - timedelta(days=5),
            submitted_on=today - timedelta(days=3),
        ),
        "waiting_decision": factories.GovernmentRequestFactory(
            organisation=org_a,
            authority=morocco,
            reference="A-NODECISION",
            status=RS.ACKNOWLEDGED,
            drafted_on=today - timedelta(days=100),
            submitted_on=today - timedelta(days=90),
            acknowledged_on=today - timedelta(days=70),
        ),
        "past_due": factories.GovernmentRequestFactory(
            organisation=org_a,
            authority=authority,
            reference="A-PASTDUE",
            status=RS.INFORMATION_REQUESTED,
            drafted_on=today - timedelta(days=20),
            submitted_on=today - timedelta(days=10),
            acknowledged_on=today - timedelta(days=5),
            answer_due_on=today - timedelta(days=1),
        ),
        "refused": factories.GovernmentRequestFactory(
            organisation=org_a,
            authority=authority,
            reference="A-REFUSED",
            status=RS.REFUSED,
            drafted_on=today - timedelta(days=400),
            submitted_on=today - timedelta(days=390),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "MA"}, {"fresh", "waiting_decision"}),
        ({"status": "submitted"}, {"unacknowledged", "fresh"}),
        ({"overdue": "true"}, {"unacknowledged", "waiting_decision", "past_due"}),
        ({"overdue": "false"}, {"draft", "fresh", "refused"}),
        ({"reference": "pastdue"}, {"past_due"}),
        ({"state": "FR", "overdue": "true"}, {"unacknowledged", "past_due"}),
    ],
)
def test_list_filters(client_for, caseworker_a, varied_requests, params, expected):
    response = client_for(caseworker_a).get(LIST_URL, params)

    assert set(references(response)) == {varied_requests[key].reference for key in expected}
    assert response.context["total"] == len(expected)


def test_list_filters_by_authority_public_id(client_for, caseworker_a, varied_requests):
    morocco = varied_requests["fresh"].authority

    response = client_for(caseworker_a).get(LIST_URL, {"authority": str(morocco.public_id)})

    assert set(references(response)) == {"A-FRESH", "A-NODECISION"}


def test_invalid_filter_shows_an_error_and_no_rows(client_for, caseworker_a, varied_requests):
    response = client_for(caseworker_a).get(LIST_URL, {"status": "nonsense"})

    assert references(response) == []
    assert response.context["filter"].form.errors["status"]


def test_overdue_filter_matches_the_home_page_selector(caseworker_a, varied_requests):
    listed = set(
        GovernmentRequest.objects.filter(selectors.overdue_condition(today=date.today())).values_list(
            "reference", flat=True
        )
    )
    home = {r.reference for r in selectors.overdue_requests(user=caseworker_a)}

    assert listed == home


def test_overdue_request_shows_days_overdue_in_the_clock(client_for, caseworker_a, varied_requests):
    html = client_for(caseworker_a).get(LIST_URL, {"reference": "A-UNACK"}).content.decode()

    assert "20 days since sent" in html
    assert "6 days overdue" in html


def test_htmx_request_gets_only_the_table(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(LIST_URL, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="request-table"')
    assert "<html" not in html


def _make_requests(org, authority, count: int) -> None:
    for index in range(count):
        gov_request = factories.GovernmentRequestFactory(
            organisation=org, authority=authority, submitted=True, drafted_on=date(2024, 1, 1) + timedelta(days=index)
        )
        factories.RequestedPersonFactory.create_batch(2, request=gov_request)


# Reads of the list: session, user, user permissions, group permissions, the page (with persons
# count and authority), the count, and the authority choices of the filter form.
LIST_READS = 7


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, rows
):
    _make_requests(org_a, authority, rows)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(LIST_READS + 3) as captured:
        response = client.get(LIST_URL, {"state": "FR"})

    assert len(references(response)) == min(rows, 25)
    reads = reads_of(captured)
    assert len(reads) == LIST_READS, "\n".join(q["sql"][:150] for q in reads)


def test_list_pages_with_keyset_cursors(client_for, caseworker_a, org_a, authority):
    _make_requests(org_a, authority, 30)
    client = client_for(caseworker_a)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"cursor": first.context["page"].next_cursor})

    assert len(references(first)) == 25
    assert len(references(second)) == 5
    assert not set(references(first)) & set(references(second))


# --- Create -------------------------------------------------------------------------------------


def _create_data(authority, persons, **extra):
    return {
        "action": "create",
        "persons": [str(p.public_id) for p in persons],
        "authority": str(authority.public_id),
        "channel": "note_verbale",
        "notes": "Family of three.",
        **extra,
    }


def test_caseworker_drafts_a_request_for_a_family(client_for, caseworker_a, family_a, authority):
    response = client_for(caseworker_a).post(CREATE_URL, _create_data(authority, family_a))

    gov_request = GovernmentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request_detail", gov_request)
    assert gov_request.status == RS.DRAFT
    assert gov_request.channel == "note_verbale"
    assert set(gov_request.persons.all()) == set(family_a)
    assert gov_request.created_by == caseworker_a


def test_person_of_another_organisation_in_the_post_is_a_field_error(
    client_for, caseworker_a, family_a, person_b, authority
):
    response = client_for(caseworker_a).post(CREATE_URL, _create_data(authority, [*family_a, person_b]))

    assert response.status_code == 200
    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()
    assert person_b.case_number not in response.content.decode()


def test_assigned_only_caseworker_cannot_add_a_colleagues_case(client_for, fieldworker_a, org_a, family_a, authority):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)

    response = client_for(fieldworker_a).post(CREATE_URL, _create_data(authority, [mine, family_a[0]]))

    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons": []}, "persons"),
        ({"persons": ["not-a-uuid"]}, "persons"),
        ({"authority": ""}, "authority"),
        ({"authority": "00000000-0000-0000-0000-000000000000"}, "authority"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_create_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, family_a, authority, change, field
):
    response = client_for(caseworker_a).post(CREATE_URL, {**_create_data(authority, family_a), **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()
    assert 'id="error-summary"' in response.content.decode()


def test_inactive_authority_cannot_be_chosen(client_for, caseworker_a, family_a):
    closed = factories.GovernmentAuthorityFactory(country="BE", name="Old embassy", is_active=False)

    response = client_for(caseworker_a).post(CREATE_URL, _create_data(closed, family_a))

    assert "authority" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()


def test_auditor_cannot_create_a_request(client_for, auditor_a, family_a, authority):
    client = client_for(auditor_a)

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, _create_data(authority, family_a)).status_code == 403
    assert not GovernmentRequest.objects.exists()


def test_person_preselected_from_the_detail_page_is_ticked(client_for, caseworker_a, family_a, person_b):
    response = client_for(caseworker_a).get(
        CREATE_URL, {"person": [str(family_a[0].public_id), str(person_b.public_id), "junk"]}
    )

    assert response.status_code == 200
    assert response.context["chosen"] == [family_a[0]]
    html = response.content.decode()
    assert f'value="{family_a[0].public_id}" id="person-{family_a[0].public_id}" checked' in html
    assert person_b.case_number not in html


def test_person_search_lists_only_visible_persons(client_for, caseworker_a, family_a, org_b):
    factories.PersonFactory(organisation=org_b, given_name_lat="Amina", family_name_lat="Dupont")

    response = client_for(caseworker_a).post(CREATE_URL, {"action": "search", "q": "amina dupont"})

    assert response.context["results"] == [family_a[0]]
    assert not GovernmentRequest.objects.exists()


def test_search_in_the_url_of_the_create_page_is_ignored(client_for, caseworker_a, family_a):
    response = client_for(caseworker_a).get(CREATE_URL, {"q": "amina dupont", "person": str(family_a[1].public_id)})

    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["query"] == ""
    assert response.context["chosen"] == [family_a[1]]


def test_search_by_post_keeps_the_chosen_persons_and_saves_nothing(client_for, caseworker_a, family_a, authority):
    data = _create_data(authority, family_a[:1], action="search", q="maryam")

    response = client_for(caseworker_a).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["chosen"] == [family_a[0]]
    assert response.context["results"] == [family_a[2]]
    assert not GovernmentRequest.objects.exists()


def test_whole_household_helper_adds_the_household_members(client_for, caseworker_a, family_a, authority):
    data = _create_data(authority, family_a[:1], action="household")

    response = client_for(caseworker_a).post(CREATE_URL, data)

    assert {p.pk for p in response.context["chosen"]} == {p.pk for p in family_a}
    assert not GovernmentRequest.objects.exists()


def test_superuser_drafts_a_request_for_the_persons_organisation(client_for, superuser, family_a, authority, org_a):
    response = client_for(superuser).post(CREATE_URL, _create_data(authority, family_a))

    assert response.status_code == 302
    assert GovernmentRequest.objects.get().organisation == org_a


def test_superuser_cannot_mix_organisations_in_one_request(client_for, superuser, family_a, person_b, authority):
    response = client_for(superuser).post(CREATE_URL, _create_data(authority, [family_a[0], person_b]))

    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()


# --- Detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a", "superuser"])
def test_roles_of_organisation_a_open_its_request(request, client_for, role, request_a, family_a):
    response = client_for(request.getfixturevalue(role)).get(url("request_detail", request_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert request_a.reference in html
    for person in family_a:
        assert reverse("people:person_detail", args=[person.public_id]) in html


@pytest.mark.parametrize("role", ["caseworker_b", "supervisor_b", "fieldworker_a"])
def test_request_outside_the_scope_is_not_found(request, client_for, role, request_a):
    client = client_for(request.getfixturevalue(role))

    assert client.get(url("request_detail", request_a)).status_code == 404
    assert client.get(url("request_summary", request_a)).status_code == 404


def test_missing_request_is_not_found(client_for, caseworker_a):
    missing = reverse("govrequests:request_detail", args=["00000000-0000-0000-0000-000000000000"])

    assert client_for(caseworker_a).get(missing).status_code == 404


def test_assigned_only_caseworker_sees_colleagues_cases_on_their_request_without_names(
    client_for, fieldworker_a, family_a, request_a
):
    family_a[1].assigned_to = fieldworker_a
    family_a[1].save()

    response = client_for(fieldworker_a).get(url("request_detail", request_a))

    html = response.content.decode()
    assert response.status_code == 200
    assert family_a[1].case_number in html
    assert family_a[0].case_number not in html
    assert "a person outside your caseload" in html


def test_detail_shows_events_in_order_the_status_history_and_the_clock(client_for, caseworker_a, request_a):
    factories.RequestEventFactory(request=request_a, kind="follow_up", occurred_on=date(2025, 3, 1))
    factories.RequestEventFactory(request=request_a, kind="submitted", occurred_on=date(2025, 1, 10))
    RequestStatusChange.objects.create(
        request=request_a, old_status="draft", new_status="submitted", actor=caseworker_a
    )

    response = client_for(caseworker_a).get(url("request_detail", request_a))

    assert [e.kind for e in response.context["events"]] == ["submitted", "follow_up"]
    assert len(response.context["status_changes"]) == 1
    assert response.context["clock"].running


def test_caseworker_is_offered_transitions_without_decision_states(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(url("request_detail", request_a))

    offered = {value for value, _label in response.context["transitions"]}
    assert RS.ACKNOWLEDGED in offered
    assert not offered & {RS.ACCEPTED, RS.REFUSED, RS.PARTIALLY_ACCEPTED}
    assert response.context["decisions_form"] is None
    assert 'name="to" value="accepted"' not in response.content.decode()


def test_supervisor_is_offered_decision_states_and_the_decisions_form(client_for, supervisor_a, request_a):
    response = client_for(supervisor_a).get(url("request_detail", request_a))

    offered = {value for value, _label in response.context["transitions"]}
    assert RS.ACCEPTED in offered
    assert response.context["can_record_decisions"]


def test_auditor_sees_no_action(client_for, auditor_a, request_a):
    response = client_for(auditor_a).get(url("request_detail", request_a))

    assert response.context["transitions"] == []
    assert not response.context["can_record_event"]
    assert not response.context["can_record_decisions"]


# Reads of the detail: session, user, permissions (2), the request with authority and creator,
# covered persons, events, status changes, the persons the user may open, the reminders about it,
# and its handover operations (their persons only when there are some).
# ... plus the State's current policy and the covered persons' decisions (family-unity check; their
# family links only once someone is accepted).
DETAIL_READS = 13


@pytest.mark.parametrize("rows", [1, 6])
def test_detail_query_count_does_not_grow_with_rows(
    client_for, supervisor_a, org_a, authority, django_assert_max_num_queries, rows
):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    factories.RequestedPersonFactory.create_batch(rows, request=gov_request)
    factories.RequestEventFactory.create_batch(rows, request=gov_request, created_by=supervisor_a)
    for _ in range(rows):
        RequestStatusChange.objects.create(
            request=gov_request, old_status="draft", new_status="submitted", actor=supervisor_a
        )
    client = client_for(supervisor_a)

    # The reads, the session save (3) and the read log's INSERT of the covered persons (1).
    with django_assert_max_num_queries(DETAIL_READS + 3 + 1) as captured:
        response = client.get(url("request_detail", gov_request))

    assert response.status_code == 200
    reads = reads_of(captured)
    assert len(reads) == DETAIL_READS, "\n".join(q["sql"][:150] for q in reads)


# --- Transition ---------------------------------------------------------------------------------


def test_caseworker_moves_a_request_and_the_change_is_recorded(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).post(
        url("request_transition", request_a), {"to": RS.ACKNOWLEDGED, "note": "Phone call from the embassy"}
    )

    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == RS.ACKNOWLEDGED
    change = RequestStatusChange.objects.get(request=request_a)
    assert (change.actor, change.note) == (caseworker_a, "Phone call from the embassy")


def test_forged_decision_transition_by_a_caseworker_is_forbidden(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).post(url("request_transition", request_a), {"to": RS.ACCEPTED})

    assert response.status_code == 403
    request_a.refresh_from_db()
    assert request_a.status == RS.SUBMITTED


def test_auditor_cannot_move_a_request(client_for, auditor_a, request_a):
    response = client_for(auditor_a).post(url("request_transition", request_a), {"to": RS.ACKNOWLEDGED})

    assert response.status_code == 403
    request_a.refresh_from_db()
    assert request_a.status == RS.SUBMITTED


def test_other_organisation_cannot_move_a_request(client_for, caseworker_b, request_a):
    response = client_for(caseworker_b).post(url("request_transition", request_a), {"to": RS.ACKNOWLEDGED})

    assert response.status_code == 404


def test_illegal_move_is_refused_with_a_message(client_for, caseworker_a, request_a):
    client = client_for(caseworker_a)

    response = client.post(url("request_transition", request_a), {"to": RS.COMPLETED}, follow=True)

    request_a.refresh_from_db()
    assert request_a.status == RS.SUBMITTED
    assert "not possible from the current status" in response.content.decode()


def test_blocked_decision_shows_the_domain_error(client_for, supervisor_a, request_a):
    response = client_for(supervisor_a).post(url("request_transition", request_a), {"to": RS.ACCEPTED}, follow=True)

    request_a.refresh_from_db()
    assert request_a.status == RS.SUBMITTED
    assert "Record the decision for each person first." in response.content.decode()


def test_transition_needs_post(client_for, caseworker_a, request_a):
    assert client_for(caseworker_a).get(url("request_transition", request_a)).status_code == 405


# --- Events -------------------------------------------------------------------------------------


def _event_data(**overrides):
    data = {
        "event-kind": EventKind.INFORMATION_REQUESTED,
        "event-occurred_on": "2025-02-01",
        "event-due_on": "2025-03-01",
        "event-description": "The ministry asks for birth certificates.",
    }
    data.update(overrides)
    return data


def test_caseworker_records_an_event_with_a_document(client_for, caseworker_a, request_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("letter of Amina Dupont.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": scan}
    )

    assert response.status_code == 302
    event = RequestEvent.objects.get(request=request_a)
    assert event.kind == EventKind.INFORMATION_REQUESTED
    assert event.document.name == f"documents/{event.public_id}.pdf"
    request_a.refresh_from_db()
    assert request_a.status == RS.INFORMATION_REQUESTED
    assert request_a.clock_paused_on == date(2025, 2, 1)  # the clock waits for the information


def test_event_due_before_its_date_is_a_field_error(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), _event_data(**{"event-due_on": "2025-01-01"})
    )

    assert response.status_code == 200
    assert "due_on" in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()
    assert "The due date is before the event." in response.content.decode()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"event-kind": "gossip"}, "kind"),
        ({"event-occurred_on": ""}, "occurred_on"),
        ({"event-occurred_on": "2999-01-01", "event-due_on": ""}, "occurred_on"),
    ],
)
def test_bad_event_input_is_a_field_error(client_for, caseworker_a, request_a, override, field):
    response = client_for(caseworker_a).post(url("request_record_event", request_a), _event_data(**override))

    assert field in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()


def test_event_document_with_a_forbidden_extension_is_refused(client_for, caseworker_a, request_a):
    script = SimpleUploadedFile("letter.exe", b"MZ", content_type="application/octet-stream")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": script}
    )

    assert "document" in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()


def test_event_document_over_the_size_limit_is_refused(client_for, caseworker_a, request_a, monkeypatch):
    monkeypatch.setattr("casework.govrequests.forms.MAX_DOCUMENT_BYTES", 10)
    scan = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": scan}
    )

    assert response.context["event_form"].errors["document"] == ["The document is larger than 20 MB."]
    assert not RequestEvent.objects.exists()


def test_auditor_cannot_record_an_event(client_for, auditor_a, request_a):
    response = client_for(auditor_a).post(url("request_record_event", request_a), _event_data())

    assert response.status_code == 403
    assert not RequestEvent.objects.exists()


def test_other_organisation_cannot_record_an_event(client_for, caseworker_b, request_a):
    response = client_for(caseworker_b).post(url("request_record_event", request_a), _event_data())

    assert response.status_code == 404
    assert not RequestEvent.objects.exists()


# --- Decisions ----------------------------------------------------------------------------------


def _decision_data(rows_and_decisions, **extra):
    data = {"decisions-decided_on": "2025-04-01", "decisions-note": "Children only."}
    for person, decision in rows_and_decisions:
        data[f"decisions-decision_{person.public_id.hex}"] = decision
    data.update(extra)
    return data


def test_supervisor_records_a_partial_acceptance(client_for, supervisor_a, request_a, family_a):
    mother, *children = family_a
    data = _decision_data([(mother, Decision.REFUSED), *[(child, Decision.ACCEPTED) for child in children]])

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 302
    decisions = dict(RequestedPerson.objects.filter(request=request_a).values_list("person_id", "decision"))
    assert decisions == {mother.pk: "refused", children[0].pk: "accepted", children[1].pk: "accepted"}
    request_a.refresh_from_db()
    assert request_a.status == RS.PARTIALLY_ACCEPTED
    assert request_a.decided_on == date(2025, 4, 1)


def test_unchanged_decisions_are_not_re_dated(client_for, supervisor_a, request_a, family_a):
    mother, *children = family_a
    services.gov_request_record_decisions(
        gov_request=request_a, decisions={mother: Decision.REFUSED}, decided_on=date(2025, 3, 1), actor=supervisor_a
    )
    data = _decision_data([(mother, Decision.REFUSED), *[(child, Decision.ACCEPTED) for child in children]])

    client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert RequestedPerson.objects.get(request=request_a, person=mother).decided_on == date(2025, 3, 1)


def test_caseworker_cannot_record_decisions(client_for, caseworker_a, request_a, family_a):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(caseworker_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 403
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_other_organisation_cannot_record_decisions(client_for, supervisor_b, request_a, family_a):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(supervisor_b).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 404
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"decisions-decided_on": ""}, "decided_on"),
        ({"decisions-decided_on": "2999-01-01"}, "decided_on"),
    ],
)
def test_bad_decision_input_is_a_field_error(client_for, supervisor_a, request_a, family_a, extra, field):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a], **extra)

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 200
    assert field in response.context["decisions_form"].errors
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_unknown_decision_value_is_a_field_error(client_for, supervisor_a, request_a, family_a):
    data = _decision_data([(family_a[0], "maybe")])

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert f"decision_{family_a[0].public_id.hex}" in response.context["decisions_form"].errors
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_decisions_on_a_draft_show_the_domain_error(client_for, supervisor_a, org_a, family_a, authority):
    draft = services.gov_request_create(authority=authority, persons=family_a, actor=supervisor_a)
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(supervisor_a).post(url("request_record_decisions", draft), data, follow=True)

    assert "no decision can be recorded" in response.content.decode()
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


# --- Printable summary --------------------------------------------------------------------------


@pytest.fixture
def summary_request(request_a, family_a):
    mother = family_a[0]
    mother.place_of_birth = "Roubaix"
    mother.country_of_birth = "FR"
    mother.health_notes = "Synthetic health notes."
    mother.child_protection_notes = "Synthetic child-protection notes."
    mother.birth_date_precision = "exact"
    mother.birth_date = date(1995, 6, 1)
    mother.save()
    factories.NationalityClaimFactory(person=mother, country="FR", notes="Synthetic claim notes.")
    factories.NationalityClaimFactory(person=mother, country="MA", is_primary=False)
    factories.CustodyPeriodFactory(person=mother)
    factories.AliasFactory(person=mother, name="Umm Yusuf", armed_group_link=True)
    request_a.notes = "Synthetic internal note."
    request_a.save()
    return request_a


def test_summary_shows_the_identity_fields_and_nothing_else(
    client_for, sensitive_supervisor_a, summary_request, family_a
):
    response = client_for(sensitive_supervisor_a).get(url("request_summary", summary_request))

    assert response.status_code == 200
    html = response.content.decode()
    mother = family_a[0]
    for expected in (
        summary_request.reference,
        mother.case_number,
        mother.full_name_lat,
        mother.full_name_ar,
        "Roubaix",
        "France",
        "css/summary.css",  # its print rules (no inline style: the CSP refuses it)
    ):
        assert expected in html
    for secret in (
        "Synthetic health notes.",
        "Synthetic child-protection notes.",
        "Synthetic claim notes.",
        "Synthetic internal note.",
        "Block 4, tent 12",
        "Umm Yusuf",
        "Morocco",
    ):
        assert secret not in html


def test_summary_shows_the_precision_of_the_date_of_birth(client_for, caseworker_a, request_a, family_a):
    child = family_a[1]
    child.birth_date_precision = "range"
    child.birth_date = None
    child.birth_date_earliest = date(2016, 1, 1)
    child.birth_date_latest = date(2017, 12, 31)
    child.save()

    html = client_for(caseworker_a).get(url("request_summary", request_a)).content.decode()

    assert "(estimated)" in html
    assert "Year only" in html  # the mother's date is known to the year


def test_viewing_the_summary_is_audited(client_for, caseworker_a, request_a, family_a):
    client_for(caseworker_a).get(url("request_summary", request_a))

    event = AuditEvent.objects.get(action="govrequests.request.summary_viewed")
    assert event.actor == caseworker_a
    assert event.target_id == str(request_a.public_id)
    assert set(event.data["persons"]) == {str(p.public_id) for p in family_a}


def test_user_without_the_view_capability_cannot_print_the_summary(client_for, org_a, request_a):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(url("request_summary", request_a)).status_code == 403
    assert not AuditEvent.objects.filter(action="govrequests.request.summary_viewed").exists()


def test_summary_query_count_does_not_grow_with_persons(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries
):
    requests = []
    for size in (1, 6):
        gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
        for row in factories.RequestedPersonFactory.create_batch(size, request=gov_request):
            factories.NationalityClaimFactory(person=row.person, country="FR")
        requests.append(gov_request)
    client = client_for(caseworker_a)
    client.get(url("request_summary", requests[0]))  # warm the content-type cache of the audit log
    counts = []
    for gov_request in requests:
        with django_assert_max_num_queries(20) as captured:
            client.get(url("request_summary", gov_request))
        counts.append(len(reads_of(captured)))

    assert counts[0] == counts[1]


# --- Deadline clock -----------------------------------------------------------------------------

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": RS.DRAFT}, (False, None, None, "")),
        ({"status": RS.REFUSED, "submitted_on": date(2025, 5, 1)}, (False, None, None, "")),
        (
            {"status": RS.SUBMITTED, "submitted_on": date(2025, 5, 25), "acknowledgement_due_on": date(2025, 6, 8)},
            (True, 7, 7, "acknowledgement"),
        ),
        (
            {
                "status": RS.ACKNOWLEDGED,
                "submitted_on": date(2025, 3, 1),
                "acknowledged_on": date(2025, 3, 10),
                "acknowledgement_due_on": date(2025, 3, 15),
                "answer_due_on": date(2025, 5, 9),
            },
            (True, 92, -23, "decision"),
        ),
        (
            {
                "status": RS.UNDER_REVIEW,
                "submitted_on": date(2025, 5, 1),
                "acknowledged_on": date(2025, 5, 2),
                "answer_due_on": date(2025, 6, 11),
                "answer_due_extended": True,
            },
            (True, 31, 10, "due_date"),
        ),
        # Paused on 22 May with 40 days left: they stand still, and a paused clock is late with nothing.
        (
            {
                "status": RS.INFORMATION_REQUESTED,
                "submitted_on": date(2025, 5, 1),
                "acknowledged_on": date(2025, 5, 2),
                "answer_due_on": date(2025, 7, 1),
                "clock_paused_on": date(2025, 5, 22),
            },
            (True, 31, 40, "decision"),
        ),
    ],
)
def test_deadline_clock(fields, expected):
    gov_request = factories.GovernmentRequestFactory.build(**fields)

    clock = selectors.deadline_clock(gov_request, today=TODAY)

    assert (clock.running, clock.days_since_sent, clock.days_left, clock.next_due_kind) == expected
    assert clock.is_overdue == (clock.days_left is not None and clock.days_left < 0)


# --- Event documents ----------------------------------------------------------------------------


@pytest.fixture
def event_with_document(request_a, caseworker_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 synthetic answer", content_type="application/pdf")
    return services.gov_request_record_event(
        gov_request=request_a, kind=EventKind.ANSWER, occurred_on=date(2025, 2, 1), actor=caseworker_a, document=scan
    )


def document_url(event) -> str:
    return reverse("govrequests:request_event_document", args=[event.request.public_id, event.public_id])


def test_event_document_is_downloaded_and_audited(client_for, auditor_a, event_with_document):
    response = client_for(auditor_a).get(document_url(event_with_document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 synthetic answer"
    assert f"{event_with_document.public_id}.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="govrequests.event.document_downloaded", actor=auditor_a).exists()


def test_event_document_of_another_organisation_is_not_found(client_for, caseworker_b, event_with_document):
    assert client_for(caseworker_b).get(document_url(event_with_document)).status_code == 404


def test_event_document_needs_the_view_capability(client_for, org_a, event_with_document):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(document_url(event_with_document)).status_code == 403


def test_event_document_under_another_request_is_not_found(client_for, caseworker_a, org_a, event_with_document):
    other = factories.GovernmentRequestFactory(organisation=org_a)
    wrong = reverse("govrequests:request_event_document", args=[other.public_id, event_with_document.public_id])

    assert client_for(caseworker_a).get(wrong).status_code == 404


def test_event_without_document_has_nothing_to_download(client_for, caseworker_a, request_a):
    event = factories.RequestEventFactory(request=request_a)

    assert client_for(caseworker_a).get(document_url(event)).status_code == 404

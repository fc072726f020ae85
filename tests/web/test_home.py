"""The home page (my work): my caseload, overdue requests, recent changes, organisation counts."""

import functools
from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import timezone

from casework.govrequests.selectors import overdue_reasons, overdue_requests
from casework.people.services import person_transition
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [
    "caseworker_a",
    "fieldworker_a",
    "supervisor_a",
    "sensitive_supervisor_a",
    "auditor_a",
    "caseworker_b",
    "superuser",
]


@pytest.mark.parametrize("role", ROLES)
def test_home_page_opens_for_every_role(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get("/")

    assert response.status_code == 200
    assert "My work" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.fixture
def requests_a(org_a):
    """Requests of organisation A, by how late the State is."""
    made = functools.partial(factories.request_days_ago, timezone.localdate(), organisation=org_a)
    return {
        "unacknowledged": made(reference="A-UNACK", status="submitted", drafted_on=20, submitted_on=15),
        "recent": made(reference="A-RECENT", status="submitted", drafted_on=5, submitted_on=3),
        "undecided": made(
            reference="A-UNDECIDED", status="acknowledged", drafted_on=100, submitted_on=90, acknowledged_on=61
        ),
        "due": made(
            reference="A-DUE",
            status="information_requested",
            drafted_on=10,
            submitted_on=9,
            acknowledged_on=8,
            answer_due_on=1,
        ),
        "decided": made(
            reference="A-DECIDED", status="accepted", drafted_on=200, submitted_on=190, acknowledged_on=180
        ),
        "draft": made(reference="A-DRAFT", drafted_on=300),
    }


def test_overdue_requests_are_those_waiting_past_their_dates(caseworker_a, requests_a, org_b):
    factories.GovernmentRequestFactory(
        organisation=org_b,
        reference="B-UNACK",
        status="submitted",
        drafted_on=timezone.localdate() - timedelta(days=40),
        submitted_on=timezone.localdate() - timedelta(days=30),
    )

    found = {r.reference: overdue_reasons(r) for r in overdue_requests(user=caseworker_a)}

    assert found == {"A-UNACK": ["acknowledgement"], "A-UNDECIDED": ["decision"], "A-DUE": ["due_date"]}


def test_home_lists_overdue_requests_of_my_organisation_only(client_for, caseworker_b, requests_a):
    html = client_for(caseworker_b).get("/").content.decode()

    assert "A-UNACK" not in html


def test_home_shows_my_caseload_and_recent_changes(client_for, caseworker_a, org_a, requests_a):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    factories.PersonFactory(organisation=org_a)  # not mine
    person_transition(person=mine, to="identity_in_progress", actor=caseworker_a)

    response = client_for(caseworker_a).get("/")

    assert response.context["caseload"] == [
        ("registered", "Registered", 1),
        ("identity_in_progress", "Identity in progress", 1),
    ]
    html = response.content.decode()
    assert mine.case_number in html  # recent change
    assert 'data-reference="A-UNACK"' in html
    assert 'id="organisation-counts"' not in html  # caseworkers do not see organisation figures


def test_supervisor_sees_organisation_counts_by_status_and_nationality(client_for, supervisor_a, org_a, org_b):
    for country in ("FR", "FR", "RU"):
        factories.NationalityClaimFactory(person=factories.PersonFactory(organisation=org_a), country=country)
    factories.NationalityClaimFactory(person=factories.PersonFactory(organisation=org_b), country="TR")

    response = client_for(supervisor_a).get("/")

    assert response.context["organisation_status_counts"] == [("registered", "Registered", 3)]
    assert response.context["organisation_nationality_counts"] == [("FR", 2), ("RU", 1)]
    assert 'id="organisation-counts"' in response.content.decode()


def test_home_query_count_is_bounded(client_for, supervisor_a, org_a, requests_a, django_assert_max_num_queries):
    for _index in range(10):
        person = factories.PersonFactory(organisation=org_a, assigned_to=supervisor_a)
        person_transition(person=person, to="identity_in_progress", actor=supervisor_a)
    client = client_for(supervisor_a)

    # session, user, overdue requests, caseload, recent changes of persons and of requests,
    # 2 permissions, status counts, nationality counts, my due reminders, possible duplicates to
    # review, decided requests and their covered persons (family-unity check); the session save.
    with django_assert_max_num_queries(17):
        client.get("/")


def test_overdue_request_links_to_its_page(client_for, caseworker_a, requests_a):
    html = client_for(caseworker_a).get("/").content.decode()

    assert f'href="/requests/{requests_a["unacknowledged"].public_id}/"' in html


def test_home_shows_court_deadlines_and_age_milestones_raised_by_the_sweep(
    client_for, caseworker_a, org_a, org_b, default_rules
):
    from casework.govrequests.choices import EventKind
    from casework.people.choices import DatePrecision, Sex
    from casework.reminders.services import reminders_sweep

    today = timezone.localdate()
    mother = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    refused = factories.GovernmentRequestFactory(organisation=org_a, status="refused", reference="A-APPEAL")
    factories.RequestedPersonFactory(request=refused, person=mother)
    factories.RequestEventFactory(
        request=refused, kind=EventKind.COURT_DEADLINE, occurred_on=today, due_on=today + timedelta(days=5)
    )
    birthday = today + timedelta(days=150)
    boy = factories.PersonFactory(
        organisation=org_a,
        assigned_to=caseworker_a,
        sex=Sex.MALE,
        birth_date=birthday.replace(year=birthday.year - 11),
        birth_date_precision=DatePrecision.EXACT,
    )
    other = factories.PersonFactory(
        organisation=org_b,
        sex=Sex.MALE,
        birth_date=birthday.replace(year=birthday.year - 11),
        birth_date_precision=DatePrecision.EXACT,
    )
    reminders_sweep(today=today)

    response = client_for(caseworker_a).get("/")

    html = response.content.decode()
    assert "Court or appeal deadline" in html
    assert "A-APPEAL" in html
    assert "Boy approaching 11" in html
    assert boy.case_number in html
    assert other.case_number not in html


def _my_work(org, user, count: int) -> None:
    """`count` of each thing the home page lists: assigned cases with a status change, overdue requests, reminders."""
    from casework.govrequests.models import RequestStatusChange
    from casework.reminders.models import Reminder, subject_key_for

    today = timezone.localdate()
    for index in range(count):
        person = factories.PersonFactory(organisation=org, assigned_to=user)
        person_transition(person=person, to="identity_in_progress", actor=user)
        factories.NationalityClaimFactory(person=person, country=("FR", "MA", "RU", "TR", "DE")[index % 5])
        gov_request = factories.GovernmentRequestFactory(
            organisation=org,
            status="submitted",
            drafted_on=today - timedelta(days=40),
            submitted_on=today - timedelta(days=30),
        )
        factories.RequestedPersonFactory(request=gov_request, person=person)
        RequestStatusChange.objects.create(request=gov_request, old_status="draft", new_status="submitted", actor=user)
        Reminder.objects.create(
            kind="boy_approaching_11",
            organisation=org,
            person=person,
            subject_key=subject_key_for(person_id=person.pk, gov_request_id=None),
            recipient=user,
            due_on=today,
            deadline_on=today + timedelta(days=100),
            offset_days=100,
        )


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a"])
def test_home_query_count_is_the_same_for_5_and_50_rows(
    request, client_for, org_a, role, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    counts = []
    shown = []
    for rows in (5, 45):  # 5, then 50 in all
        _my_work(org_a, user, rows)
        with django_assert_max_num_queries(17) as captured:  # the read log's one insert included
            response = client.get("/")
        counts.append(len(captured))
        shown.append((len(response.context["overdue_requests"]), len(response.context["recent_request_changes"])))

    assert counts[0] == counts[1]
    assert shown == [(5, 5), (20, 10)]  # the lists are capped


def test_home_shows_recent_status_changes_of_requests_covering_my_cases(client_for, caseworker_a, org_a):
    from casework.govrequests.services import gov_request_transition

    mine = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    covering = factories.GovernmentRequestFactory(organisation=org_a, reference="A-MINE")
    factories.RequestedPersonFactory(request=covering, person=mine)
    other = factories.GovernmentRequestFactory(organisation=org_a, reference="A-OTHER")
    factories.RequestedPersonFactory(request=other)
    for gov_request in (covering, other):
        gov_request_transition(gov_request=gov_request, to="submitted", actor=caseworker_a)

    response = client_for(caseworker_a).get("/")

    assert [c.request.reference for c in response.context["recent_request_changes"]] == ["A-MINE"]
    html = response.content.decode()
    assert 'data-request-change="A-MINE"' in html
    assert 'data-request-change="A-OTHER"' not in html

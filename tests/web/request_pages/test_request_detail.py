"""A government request's page and its status moves: scope, offered actions, query counts, transitions."""

from datetime import date

import pytest
from django.urls import reverse

from casework.govrequests.models import RequestStatusChange
from tests import factories
from tests.web.request_pages.helpers import RS, reads_of, url

pytestmark = pytest.mark.django_db


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

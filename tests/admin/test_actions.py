"""Status changes, assignment and decisions go through admin actions that call the services."""

from datetime import date

import pytest
from django.urls import reverse

from casework.govrequests.choices import Decision, RequestStatus
from casework.govrequests.models import RequestStatusChange
from casework.people.choices import CaseStatus, ClaimStatus
from casework.people.models import PersonStatusChange
from tests import factories

from .utils import messages_of

pytestmark = pytest.mark.django_db

PERSONS = reverse("admin:people_person_changelist")
REQUESTS = reverse("admin:govrequests_governmentrequest_changelist")
CLAIMS = reverse("admin:people_nationalityclaim_changelist")


def _apply(client, url, action, objects, **fields):
    """Submit the action's intermediate form for `objects`, following the redirect to the changelist."""
    data = {"action": action, "_selected_action": [o.pk for o in objects], "apply": "1", **fields}
    return client.post(url, data, follow=True)


def test_the_status_action_shows_a_form_with_the_legal_moves(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).post(PERSONS, {"action": "change_status", "_selected_action": [person_a.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/casework/action_form.html"
    choices = [value for value, _label in response.context["form"].fields["to"].choices]
    assert choices == [CaseStatus.IDENTITY_IN_PROGRESS, CaseStatus.CLOSED, CaseStatus.ON_HOLD]
    assert person_a.case_number in response.content.decode()


def test_an_allowed_transition_moves_the_case_and_records_it(client_for, caseworker_a, person_a):
    response = _apply(client_for(caseworker_a), PERSONS, "change_status", [person_a], to="identity_in_progress")

    person_a.refresh_from_db()
    assert person_a.status == CaseStatus.IDENTITY_IN_PROGRESS
    change = PersonStatusChange.objects.get(person=person_a)
    assert (change.old_status, change.new_status, change.actor) == ("registered", "identity_in_progress", caseworker_a)
    assert any(person_a.case_number in m for m in messages_of(response))


def test_a_refused_transition_reports_the_reason_with_the_case_number_not_the_name(client_for, supervisor_a, person_a):
    person_a.status = CaseStatus.REQUEST_PENDING
    person_a.save()

    response = _apply(client_for(supervisor_a), PERSONS, "change_status", [person_a], to="accepted")

    person_a.refresh_from_db()
    assert person_a.status == CaseStatus.REQUEST_PENDING
    assert not PersonStatusChange.objects.exists()
    [message] = messages_of(response)
    assert "No accepted decision yet." in message
    assert person_a.case_number in message
    assert person_a.given_name_lat not in message


def test_closing_needs_a_reason_and_a_closure_reason(client_for, supervisor_a, person_a):
    client = client_for(supervisor_a)

    response = _apply(client, PERSONS, "change_status", [person_a], to="closed", note="")
    assert "Give a reason" in messages_of(response)[0]

    _apply(client, PERSONS, "change_status", [person_a], to="closed", note="Repatriated", closure_reason="repatriated")
    person_a.refresh_from_db()
    assert (person_a.status, person_a.closure_reason) == (CaseStatus.CLOSED, "repatriated")


def test_a_batch_reports_each_case(client_for, supervisor_a, person_a, org_a):
    on_hold = factories.PersonFactory(organisation=org_a, status=CaseStatus.REQUEST_PENDING)

    response = _apply(
        client_for(supervisor_a), PERSONS, "change_status", [person_a, on_hold], to="on_hold", note="Waiting"
    )

    texts = messages_of(response)
    person_a.refresh_from_db()
    on_hold.refresh_from_db()
    assert person_a.status == on_hold.status == CaseStatus.ON_HOLD
    assert any(person_a.case_number in t and on_hold.case_number in t for t in texts)


def test_auditors_are_not_offered_the_actions_and_a_forged_post_changes_nothing(client_for, auditor_a, person_a):
    client = client_for(auditor_a)

    changelist = client.get(PERSONS)
    response = _apply(client, PERSONS, "change_status", [person_a], to="identity_in_progress")
    _apply(client, PERSONS, "assign_caseworker", [person_a], assignee="")

    assert "action_form" not in changelist.context or not changelist.context["action_form"]
    person_a.refresh_from_db()
    assert person_a.status == CaseStatus.REGISTERED
    assert person_a.assigned_to_id is not None
    assert not PersonStatusChange.objects.exists()
    assert response.status_code == 200


def test_a_forged_post_for_a_person_of_another_organisation_changes_nothing(client_for, supervisor_a, person_b):
    _apply(client_for(supervisor_a), PERSONS, "change_status", [person_b], to="identity_in_progress")

    person_b.refresh_from_db()
    assert person_b.status == CaseStatus.REGISTERED


def test_caseworkers_cannot_assign_and_supervisors_can(client_for, caseworker_a, supervisor_a, person_a, org_a):
    other = factories.UserFactory(organisation=org_a, role="caseworker")

    offered = client_for(caseworker_a).get(PERSONS).context["action_form"].fields["action"].choices
    assert "assign_caseworker" not in dict(offered)
    _apply(client_for(caseworker_a), PERSONS, "assign_caseworker", [person_a], assignee=other.pk)
    person_a.refresh_from_db()
    assert person_a.assigned_to == caseworker_a

    response = _apply(client_for(supervisor_a), PERSONS, "assign_caseworker", [person_a], assignee=other.pk)
    person_a.refresh_from_db()
    assert person_a.assigned_to == other
    assert any(person_a.case_number in m for m in messages_of(response))


def test_a_caseworker_of_another_organisation_cannot_be_chosen(client_for, supervisor_a, person_a, caseworker_b):
    response = _apply(client_for(supervisor_a), PERSONS, "assign_caseworker", [person_a], assignee=caseworker_b.pk)

    assert response.context["form"].errors["assignee"]
    person_a.refresh_from_db()
    assert person_a.assigned_to != caseworker_b


def test_nationality_claim_status_moves_through_the_action(client_for, caseworker_a, person_a):
    claim = factories.NationalityClaimFactory(person=person_a)

    _apply(client_for(caseworker_a), CLAIMS, "change_claim_status", [claim], to="under_verification")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNDER_VERIFICATION


def test_request_status_moves_through_the_action_and_blockers_are_reported(client_for, supervisor_a, org_a, person_a):
    empty = factories.GovernmentRequestFactory(organisation=org_a)
    covered = factories.GovernmentRequestFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=covered, person=person_a)

    response = _apply(client_for(supervisor_a), REQUESTS, "change_request_status", [empty, covered], to="submitted")

    empty.refresh_from_db()
    covered.refresh_from_db()
    assert (empty.status, covered.status) == (RequestStatus.DRAFT, RequestStatus.SUBMITTED)
    assert RequestStatusChange.objects.filter(request=covered, new_status="submitted").exists()
    texts = messages_of(response)
    assert any(empty.reference in t and "covers no person" in t for t in texts)


def test_decisions_are_recorded_through_the_service_and_move_the_request(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    row = factories.RequestedPersonFactory(request=gov_request, person=person_a)
    client = client_for(supervisor_a)

    form_page = client.post(REQUESTS, {"action": "record_decisions", "_selected_action": [gov_request.pk]})
    assert f"decision_{row.pk}" in form_page.context["form"].fields
    _apply(
        client,
        REQUESTS,
        "record_decisions",
        [gov_request],
        decided_on="2025-03-01",
        note="Verbal note 12",
        **{f"decision_{row.pk}": Decision.ACCEPTED},
    )

    row.refresh_from_db()
    gov_request.refresh_from_db()
    assert (row.decision, row.decided_on) == (Decision.ACCEPTED, date(2025, 3, 1))
    assert gov_request.status == RequestStatus.ACCEPTED


def test_caseworkers_cannot_record_decisions(client_for, caseworker_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    row = factories.RequestedPersonFactory(request=gov_request, person=person_a)

    _apply(
        client_for(caseworker_a),
        REQUESTS,
        "record_decisions",
        [gov_request],
        decided_on="2025-03-01",
        **{f"decision_{row.pk}": Decision.ACCEPTED},
    )

    row.refresh_from_db()
    assert row.decision == Decision.PENDING


def test_decisions_on_a_draft_are_refused_with_a_message(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a)
    row = factories.RequestedPersonFactory(request=gov_request, person=person_a)

    response = _apply(
        client_for(supervisor_a),
        REQUESTS,
        "record_decisions",
        [gov_request],
        decided_on="2025-03-01",
        **{f"decision_{row.pk}": Decision.REFUSED},
    )

    row.refresh_from_db()
    assert row.decision == Decision.PENDING
    assert any("never sent" in m for m in messages_of(response))


def test_the_admin_refuses_a_decision_dated_in_the_future_like_the_web_page(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    row = factories.RequestedPersonFactory(request=gov_request, person=person_a)
    next_year = date.today().replace(year=date.today().year + 1, day=1)

    response = _apply(
        client_for(supervisor_a),
        REQUESTS,
        "record_decisions",
        [gov_request],
        decided_on=next_year.isoformat(),
        **{f"decision_{row.pk}": Decision.ACCEPTED},
    )

    row.refresh_from_db()
    assert row.decision == Decision.PENDING
    assert "decided_on" in response.context["form"].errors

"""Reminders close themselves: resolved at once when their condition stops holding, never raised again."""

from datetime import timedelta

import pytest

from casework.govrequests import services as request_services
from casework.govrequests.choices import Decision, EventKind, RequestStatus
from casework.people import services as people_services
from casework.people.choices import CaseStatus, ClosureReason
from casework.people.models import IdentityDocument
from casework.reminders.choices import ReminderStatus, RuleKind
from casework.reminders.models import Reminder
from casework.reminders.selectors import reminders_about_request, reminders_due_for
from tests import factories
from tests.reminders.conftest import D, sweep

pytestmark = pytest.mark.django_db
K = RuleKind
ONE_DAY = timedelta(days=1)


def _only(kind: str) -> Reminder:
    return Reminder.objects.get(kind=kind)


def assert_resolved_and_never_raised_again(kind: str, reason: str, *days) -> None:
    reminder = _only(kind)
    assert (reminder.status, reminder.reason) == (ReminderStatus.RESOLVED, reason)
    assert reminder.acted_at is not None
    for day in days:
        assert sweep(day)[kind] == 1  # run twice (or more): nothing new
    assert _only(kind).status == ReminderStatus.RESOLVED


def test_recording_the_decision_resolves_the_no_decision_reminder_at_once(org_a, supervisor_a, caseworker_a):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, submitted_on=D - timedelta(70), acknowledged_on=D - timedelta(60)
    )
    row = factories.RequestedPersonFactory(
        request=gov_request, person__assigned_to=caseworker_a, person__status=CaseStatus.REQUEST_PENDING
    )
    assert sweep(D)[K.NO_DECISION] == 1
    assert list(reminders_due_for(user=caseworker_a, on=D)) == [_only(K.NO_DECISION)]

    request_services.gov_request_record_decisions(
        gov_request=gov_request, decisions={row.person: Decision.ACCEPTED}, decided_on=D, actor=supervisor_a
    )

    assert_resolved_and_never_raised_again(K.NO_DECISION, "The decision was recorded.", D, D, D + ONE_DAY)
    # Neither the digest nor the request page shows it any more.
    assert not reminders_due_for(user=caseworker_a, on=D + ONE_DAY).exists()
    assert not reminders_about_request(gov_request=gov_request, user=caseworker_a).open().exists()


def test_the_acknowledgement_resolves_the_not_acknowledged_reminder(org_a, caseworker_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(14))
    factories.RequestedPersonFactory(request=gov_request, person__assigned_to=caseworker_a)
    assert sweep(D)[K.REQUEST_NOT_ACKNOWLEDGED] == 1

    request_services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.ACKNOWLEDGED, occurred_on=D, actor=caseworker_a
    )

    assert_resolved_and_never_raised_again(K.REQUEST_NOT_ACKNOWLEDGED, "The acknowledgement was received.", D, D)


def test_a_withdrawn_request_resolves_its_reminders_with_that_reason(org_a, supervisor_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(14))
    factories.RequestedPersonFactory(request=gov_request)
    sweep(D)

    request_services.gov_request_transition(gov_request=gov_request, to=RequestStatus.WITHDRAWN, actor=supervisor_a)

    assert_resolved_and_never_raised_again(K.REQUEST_NOT_ACKNOWLEDGED, "The request was withdrawn or lapsed.", D)


def test_the_information_provided_resolves_the_information_due_reminder(org_a, caseworker_a):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, submitted_on=D - timedelta(40), acknowledged_on=D - timedelta(30)
    )
    factories.RequestedPersonFactory(request=gov_request)
    request_services.gov_request_record_event(
        gov_request=gov_request,
        kind=EventKind.INFORMATION_REQUESTED,
        occurred_on=D - timedelta(5),
        due_on=D + timedelta(days=7),
        actor=caseworker_a,
    )
    assert sweep(D)[K.INFORMATION_DUE] == 1

    request_services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.INFORMATION_PROVIDED, occurred_on=D, actor=caseworker_a
    )

    assert_resolved_and_never_raised_again(K.INFORMATION_DUE, "The information was provided.", D, D + ONE_DAY)


@pytest.fixture
def travel_reminder(org_a):
    """A person on a handover in 30 days whose only travel document expires 10 days after it: one reminder."""
    handover_on = D + timedelta(days=30)
    operation = factories.HandoverOperationFactory(organisation=org_a, planned_on=handover_on)
    person = factories.HandoverPersonFactory(operation=operation, person__status=CaseStatus.HANDOVER_SCHEDULED).person
    factories.IdentityDocumentFactory(
        person=person, document_type="emergency_travel_document", expires_on=handover_on + timedelta(days=10)
    )
    assert sweep(D)[K.TRAVEL_DOCUMENT_EXPIRING] == 1
    return operation, person


def test_adding_the_missing_travel_document_resolves_the_reminder(travel_reminder, supervisor_a):
    operation, person = travel_reminder
    passport = IdentityDocument(
        document_type="passport", number="P1", expires_on=operation.planned_on + timedelta(days=400)
    )

    people_services.person_record_add(person=person, record=passport, actor=supervisor_a)

    assert_resolved_and_never_raised_again(
        K.TRAVEL_DOCUMENT_EXPIRING, "A travel document valid long enough was added.", D, D + ONE_DAY
    )


def test_a_person_no_longer_on_the_handover_resolves_the_reminder(travel_reminder, supervisor_a):
    operation, _person = travel_reminder

    request_services.handover_cancel(operation=operation, reason="Crossing closed", actor=supervisor_a)

    assert_resolved_and_never_raised_again(
        K.TRAVEL_DOCUMENT_EXPIRING, "The person is no longer on a planned handover.", D
    )


def test_closing_the_case_resolves_its_reminders(org_a, supervisor_a):
    person = factories.PersonFactory(organisation=org_a, medical_urgent=True, status=CaseStatus.ASSESSMENT)
    assert sweep(D)[K.URGENT_MEDICAL] == 1

    people_services.person_transition(
        person=person, to=CaseStatus.CLOSED, actor=supervisor_a, note="Died", closure_reason=ClosureReason.DECEASED
    )

    assert_resolved_and_never_raised_again(K.URGENT_MEDICAL, "The case was closed or handed over.", D, D)


def test_the_sweep_resolves_what_stopped_holding_without_a_service(org_a):
    """A change made outside the services (an import, the database): the next sweep resolves it first."""
    person = factories.PersonFactory(organisation=org_a, medical_urgent=True)
    sweep(D)
    type(person).objects.filter(pk=person.pk).update(medical_urgent=False)

    assert sweep(D + ONE_DAY)[K.URGENT_MEDICAL] == 1
    assert (_only(K.URGENT_MEDICAL).status, _only(K.URGENT_MEDICAL).reason) == (
        ReminderStatus.RESOLVED,
        "No longer marked urgent.",
    )


def test_a_reminder_still_holding_stays_open(org_a, supervisor_a, caseworker_a):
    """Recording something else on the request does not resolve a reminder that still holds."""
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, submitted_on=D - timedelta(70), acknowledged_on=D - timedelta(60)
    )
    factories.RequestedPersonFactory(request=gov_request)
    sweep(D)

    request_services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.NOTE, occurred_on=D, actor=caseworker_a
    )

    assert _only(K.NO_DECISION).status == ReminderStatus.OPEN

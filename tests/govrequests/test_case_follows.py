"""The case follows the request and the handover: each automatic move, its refusal, its cause."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import Decision, EventKind, RequestStatus
from casework.govrequests.models import GovernmentRequest, HandoverOperation
from casework.people.choices import CaseStatus, Sex, TransferReason
from casework.people.models import CustodyPeriod, Person, PersonStatusChange
from tests import factories

pytestmark = pytest.mark.django_db
RS = RequestStatus
CS = CaseStatus


@pytest.fixture
def family(org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE, status=CS.READY_FOR_REQUEST)
    children = [factories.PersonFactory(organisation=org_a, child=True, status=CS.READY_FOR_REQUEST) for _ in range(2)]
    for person in [mother, *children]:
        factories.CustodyPeriodFactory(person=person, start_date=date(2019, 4, 1))
    return [mother, *children]


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR")


def _status(person: Person) -> str:
    return Person.objects.values_list("status", flat=True).get(pk=person.pk)


def _sent(persons, actor, authority, *, sent_on=date(2025, 1, 5)) -> GovernmentRequest:
    gov_request = services.gov_request_create(
        authority=authority, persons=persons, actor=actor, drafted_on=date(2025, 1, 2)
    )
    services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.SUBMITTED, occurred_on=sent_on, actor=actor
    )
    return GovernmentRequest.objects.get(pk=gov_request.pk)


def _accepted(family, supervisor, authority) -> GovernmentRequest:
    gov_request = _sent(family, supervisor, authority)
    services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions=dict.fromkeys(family, Decision.ACCEPTED),
        decided_on=date(2025, 3, 1),
        actor=supervisor,
    )
    return GovernmentRequest.objects.get(pk=gov_request.pk)


def test_sending_a_request_puts_its_ready_cases_in_request_pending_caused_by_it(family, caseworker_a, authority):
    registered = factories.PersonFactory(organisation=family[0].organisation)  # not ready: left alone
    gov_request = _sent([*family, registered], caseworker_a, authority)

    assert [_status(p) for p in family] == [CS.REQUEST_PENDING] * 3
    assert _status(registered) == CS.REGISTERED
    change = PersonStatusChange.objects.get(person=family[0])
    assert (change.old_status, change.new_status, change.actor, change.cause) == (
        CS.READY_FOR_REQUEST,
        CS.REQUEST_PENDING,
        caseworker_a,
        gov_request,
    )
    assert change.cause_type == ContentType.objects.get_for_model(GovernmentRequest)


def test_a_partial_decision_moves_each_case_with_history_actor_and_audit(family, supervisor_a, authority):
    mother, *children = family
    gov_request = _sent(family, supervisor_a, authority)

    decided = services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions={mother: Decision.REFUSED, children[0]: Decision.ACCEPTED, children[1]: Decision.PARTIALLY_ACCEPTED},
        decided_on=date(2025, 3, 1),
        actor=supervisor_a,
        note="Children only",
    )

    assert decided.status == RS.PARTIALLY_ACCEPTED
    assert decided.case_moves_refused == []
    assert [_status(p) for p in family] == [CS.REFUSED, CS.ACCEPTED, CS.ACCEPTED]
    change = PersonStatusChange.objects.filter(person=mother).latest("pk")
    assert (change.new_status, change.actor, change.cause, change.note) == (
        CS.REFUSED,
        supervisor_a,
        gov_request,
        "Children only",
    )
    history = Person.history.filter(id=mother.pk).latest("history_date")
    assert (history.status, history.history_user) == (CS.REFUSED, supervisor_a)
    events = AuditEvent.objects.filter(action="people.person.status_changed", target_id=str(mother.public_id))
    assert events.latest("pk").data["cause"] == f"govrequests.governmentrequest:{gov_request.pk}"


def test_a_pending_decision_moves_nobody_until_decided(family, supervisor_a, authority):
    gov_request = _sent(family, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions={family[0]: Decision.ACCEPTED},
        decided_on=date(2025, 3, 1),
        actor=supervisor_a,
    )
    assert [_status(p) for p in family] == [CS.ACCEPTED, CS.REQUEST_PENDING, CS.REQUEST_PENDING]
    assert GovernmentRequest.objects.get(pk=gov_request.pk).status == RS.SUBMITTED


def test_a_move_the_table_refuses_leaves_the_case_and_says_why(family, supervisor_a, authority):
    gov_request = _sent(family, supervisor_a, authority)
    on_hold = family[1]
    Person.objects.filter(pk=on_hold.pk).update(status=CS.ON_HOLD)

    decided = services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions=dict.fromkeys(family, Decision.ACCEPTED),
        decided_on=date(2025, 3, 1),
        actor=supervisor_a,
    )

    assert _status(on_hold) == CS.ON_HOLD
    assert gov_request.covered.get(person=on_hold).decision == Decision.ACCEPTED  # the State's answer is kept
    [refusal] = decided.case_moves_refused
    assert (refusal.case_number, refusal.current, refusal.requested) == (on_hold.case_number, CS.ON_HOLD, CS.ACCEPTED)
    assert "On hold" in str(refusal) and "not allowed" in str(refusal)


def test_a_guard_refusal_is_reported_with_the_guards_reason(family, supervisor_a, authority):
    """Handed over needs a signed handover document: the guard of the manual move says no here too."""
    gov_request = _accepted(family, supervisor_a, authority)
    Person.objects.filter(pk=family[0].pk).update(status=CS.HANDOVER_SCHEDULED)
    from casework.people.case_moves import persons_follow

    [refusal] = persons_follow(person_ids=[family[0].pk], to=CS.HANDED_OVER, actor=supervisor_a, cause=gov_request)
    assert refusal.reason == "No signed handover document for this person."
    assert _status(family[0]) == CS.HANDOVER_SCHEDULED


@pytest.mark.parametrize("to", [RS.WITHDRAWN, RS.LAPSED])
def test_a_withdrawn_or_lapsed_request_returns_cases_to_ready_unless_another_request_covers_them(
    family, supervisor_a, authority, to
):
    gov_request = _sent(family, supervisor_a, authority)
    other = _sent(family[:1], supervisor_a, factories.GovernmentAuthorityFactory(country="BE"))
    if to == RS.LAPSED:
        services.gov_request_transition(gov_request=gov_request, to=RS.NO_RESPONSE, actor=supervisor_a)

    moved = services.gov_request_transition(gov_request=gov_request, to=to, actor=supervisor_a, note="Stop")

    assert moved.case_moves_refused == []
    # The mother is still before Belgium.
    assert [_status(p) for p in family] == [CS.REQUEST_PENDING, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST]
    assert PersonStatusChange.objects.filter(person=family[1]).latest("pk").cause == gov_request

    services.gov_request_transition(gov_request=other, to=RS.WITHDRAWN, actor=supervisor_a)
    assert _status(family[0]) == CS.READY_FOR_REQUEST


def test_an_appeal_puts_refused_cases_before_the_state_again(family, supervisor_a, authority):
    gov_request = _sent(family, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions=dict.fromkeys(family, Decision.REFUSED),
        decided_on=date(2025, 3, 1),
        actor=supervisor_a,
    )
    assert [_status(p) for p in family] == [CS.REFUSED] * 3
    services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.APPEAL, occurred_on=date(2025, 3, 5), actor=supervisor_a
    )
    assert [_status(p) for p in family] == [CS.REQUEST_PENDING] * 3


def _plan(gov_request, persons, supervisor) -> HandoverOperation:
    return services.handover_plan(
        gov_request=gov_request, persons=persons, planned_on=date(2025, 4, 1), place="Semalka", actor=supervisor
    )


def test_a_completed_handover_closes_custody_and_hands_the_cases_over_and_an_arrival_repatriates_them(
    family, supervisor_a, authority
):
    gov_request = _accepted(family, supervisor_a, authority)
    operation = _plan(gov_request, family, supervisor_a)
    assert [_status(p) for p in family] == [CS.HANDOVER_SCHEDULED] * 3

    completed = services.handover_complete(
        operation=operation,
        signed_on=date(2025, 4, 2),
        document=ContentFile(b"%PDF-1.4 signed", name="signed.pdf"),
        handed_over=family[:2],
        actor=supervisor_a,
    )

    assert completed.case_moves_refused == []
    assert [_status(p) for p in family] == [CS.HANDED_OVER, CS.HANDED_OVER, CS.ACCEPTED]
    closed = CustodyPeriod.objects.filter(person__in=family[:2])
    assert {(c.end_date, c.end_reason) for c in closed} == {(date(2025, 4, 2), TransferReason.HANDOVER_TO_STATE)}
    assert CustodyPeriod.objects.get(person=family[2]).end_date is None  # not handed over: still in the camp
    assert PersonStatusChange.objects.filter(person=family[0]).latest("pk").cause == operation

    event = services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.ARRIVAL_CONFIRMED, occurred_on=date(2025, 4, 3), actor=supervisor_a
    )
    assert event.case_moves_refused == []
    assert [_status(p) for p in family] == [CS.REPATRIATED, CS.REPATRIATED, CS.ACCEPTED]
    assert PersonStatusChange.objects.filter(person=family[0]).latest("pk").cause == gov_request


def test_a_handover_dated_before_the_custody_began_is_refused_and_changes_nothing(family, supervisor_a, authority):
    gov_request = _accepted(family, supervisor_a, authority)
    operation = _plan(gov_request, family[:1], supervisor_a)
    CustodyPeriod.objects.filter(person=family[0]).update(start_date=date(2025, 4, 5))

    with pytest.raises(DomainError, match=family[0].case_number):
        services.handover_complete(
            operation=operation,
            signed_on=date(2025, 4, 2),
            document=ContentFile(b"%PDF-1.4 signed", name="signed.pdf"),
            handed_over=family[:1],
            actor=supervisor_a,
        )

    assert _status(family[0]) == CS.HANDOVER_SCHEDULED
    assert CustodyPeriod.objects.get(person=family[0]).end_date is None


def test_cancelling_a_handover_undoes_only_the_scheduling(family, supervisor_a, authority):
    gov_request = _accepted(family, supervisor_a, authority)
    first = _plan(gov_request, family, supervisor_a)
    second = _plan(gov_request, family[:1], supervisor_a)  # the mother is also on another plan

    cancelled = services.handover_cancel(operation=first, reason="Crossing closed", actor=supervisor_a)

    assert cancelled.case_moves_refused == []
    assert [_status(p) for p in family] == [CS.HANDOVER_SCHEDULED, CS.ACCEPTED, CS.ACCEPTED]
    assert not CustodyPeriod.objects.filter(end_date__isnull=False).exists()
    assert PersonStatusChange.objects.filter(person=family[1]).latest("pk").cause == first

    services.handover_cancel(operation=second, reason="Delegation did not come", actor=supervisor_a)
    assert _status(family[0]) == CS.ACCEPTED


def test_a_manual_move_uses_the_same_table_and_records_no_cause(family, supervisor_a, authority):
    from casework.people import services as people_services

    _accepted(family, supervisor_a, authority)
    people_services.person_transition(person=family[0], to=CS.ON_HOLD, actor=supervisor_a, note="Medical")
    change = PersonStatusChange.objects.filter(person=family[0]).latest("pk")
    assert (change.new_status, change.cause) == (CS.ON_HOLD, None)

"""Government request services: drafting, events, per-person decisions, transitions, handovers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.govrequests import services
from casework.govrequests.choices import Decision, EventKind, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson, RequestStatusChange
from casework.govrequests.services.common import REQUEST_STATUS_CHANGED
from casework.people.choices import Sex
from tests import factories

pytestmark = pytest.mark.django_db
RS = RequestStatus


@pytest.fixture
def family_a(org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    children = [factories.PersonFactory(organisation=org_a, child=True) for _ in range(2)]
    return [mother, *children]


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR")


def _sent_request(family, actor, authority):
    request = services.gov_request_create(authority=authority, persons=family, actor=actor, drafted_on=date(2025, 1, 2))
    services.gov_request_record_event(
        gov_request=request, kind=EventKind.SUBMITTED, occurred_on=date(2025, 1, 5), actor=actor
    )
    return GovernmentRequest.objects.get(pk=request.pk)


def test_request_for_a_family_is_drafted_with_a_reference(caseworker_a, family_a, authority):
    request = services.gov_request_create(
        authority=authority, persons=family_a, actor=caseworker_a, drafted_on=date(2025, 1, 2)
    )
    assert request.reference == "ORGA-R2025-00001"
    assert request.status == RS.DRAFT
    assert set(request.persons.all()) == set(family_a)
    again = services.gov_request_create(
        authority=authority, persons=family_a[:1], actor=caseworker_a, drafted_on=date(2025, 3, 2)
    )
    assert again.reference == "ORGA-R2025-00002"


def test_request_cannot_cover_persons_of_another_organisation(caseworker_a, person_a, person_b, authority):
    with pytest.raises(PermissionDenied):
        services.gov_request_create(authority=authority, persons=[person_a, person_b], actor=caseworker_a)
    assert not GovernmentRequest.objects.exists()


def test_sent_event_submits_the_request_and_records_the_date(caseworker_a, family_a, authority):
    request = _sent_request(family_a, caseworker_a, authority)
    assert (request.status, request.submitted_on) == (RS.SUBMITTED, date(2025, 1, 5))
    change = RequestStatusChange.objects.get(request=request)
    assert (change.old_status, change.new_status, change.actor) == (RS.DRAFT, RS.SUBMITTED, caseworker_a)


def test_information_requested_pauses_the_clock(caseworker_a, family_a, authority):
    request = _sent_request(family_a, caseworker_a, authority)
    services.gov_request_record_event(
        gov_request=request,
        kind=EventKind.INFORMATION_REQUESTED,
        occurred_on=date(2025, 2, 1),
        due_on=date(2025, 3, 1),
        actor=caseworker_a,
    )
    request.refresh_from_db()
    assert (request.status, request.clock_paused_on) == (RS.INFORMATION_REQUESTED, date(2025, 2, 1))


def test_event_with_due_date_before_the_event_is_a_field_error(caseworker_a, family_a, authority):
    from django.core.exceptions import ValidationError

    request = _sent_request(family_a, caseworker_a, authority)
    with pytest.raises(ValidationError) as excinfo:
        services.gov_request_record_event(
            gov_request=request,
            kind=EventKind.COURT_DEADLINE,
            occurred_on=date(2025, 2, 1),
            due_on=date(2025, 1, 1),
            actor=caseworker_a,
        )
    assert "due_on" in excinfo.value.message_dict
    assert request.events.count() == 1  # only the "sent" event


def test_submitting_an_empty_request_is_refused(caseworker_a, authority):
    request = factories.GovernmentRequestFactory(organisation=caseworker_a.organisation, authority=authority)
    with pytest.raises(TransitionNotAllowed, match="covers no person"):
        services.gov_request_transition(gov_request=request, to=RS.SUBMITTED, actor=caseworker_a)


def test_decisions_for_all_persons_make_the_request_partially_accepted(supervisor_a, family_a, authority):
    mother, *children = family_a
    request = _sent_request(family_a, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=request,
        decisions={mother: Decision.REFUSED, children[0]: Decision.ACCEPTED},
        decided_on=date(2025, 4, 1),
        actor=supervisor_a,
    )
    request.refresh_from_db()
    assert request.status == RS.SUBMITTED  # one child still pending
    services.gov_request_record_decisions(
        gov_request=request, decisions={children[1]: Decision.ACCEPTED}, decided_on=date(2025, 4, 2), actor=supervisor_a
    )
    request.refresh_from_db()
    assert (request.status, request.decided_on) == (RS.PARTIALLY_ACCEPTED, date(2025, 4, 2))
    assert RequestedPerson.objects.get(request=request, person=mother).decision == Decision.REFUSED


def test_all_accepted_makes_the_request_accepted(supervisor_a, family_a, authority):
    request = _sent_request(family_a, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=request,
        decisions=dict.fromkeys(family_a, Decision.ACCEPTED),
        decided_on=date(2025, 4, 1),
        actor=supervisor_a,
    )
    assert GovernmentRequest.objects.get(pk=request.pk).status == RS.ACCEPTED


def test_decision_for_a_person_not_in_the_request_is_refused_and_nothing_is_saved(
    supervisor_a, family_a, authority, org_a
):
    request = _sent_request(family_a[:2], supervisor_a, authority)
    outsider = family_a[2]
    with pytest.raises(DomainError, match="not covered by this request"):
        services.gov_request_record_decisions(
            gov_request=request,
            decisions={family_a[0]: Decision.ACCEPTED, outsider: Decision.ACCEPTED},
            decided_on=date(2025, 4, 1),
            actor=supervisor_a,
        )
    assert set(request.covered.values_list("decision", flat=True)) == {Decision.PENDING}


def test_caseworker_cannot_record_decisions(caseworker_a, family_a, authority):
    request = _sent_request(family_a, caseworker_a, authority)
    with pytest.raises(PermissionDenied):
        services.gov_request_record_decisions(
            gov_request=request,
            decisions={family_a[0]: Decision.ACCEPTED},
            decided_on=date(2025, 4, 1),
            actor=caseworker_a,
        )
    with pytest.raises(PermissionDenied):
        services.gov_request_transition(gov_request=request, to=RS.REFUSED, actor=caseworker_a)


def test_decision_status_must_match_the_persons_decisions(supervisor_a, family_a, authority):
    request = _sent_request(family_a, supervisor_a, authority)
    with pytest.raises(TransitionNotAllowed, match="Record the decision"):
        services.gov_request_transition(gov_request=request, to=RS.ACCEPTED, actor=supervisor_a)


ILLEGAL = [(a, b) for a in RS.values for b in RS.values if b not in GovernmentRequest.TRANSITIONS.get(a, frozenset())]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_request_move_not_in_the_table_raises(current, target, supervisor_a, org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, status=current)
    with pytest.raises(TransitionNotAllowed):
        services.gov_request_transition(gov_request=request, to=target, actor=supervisor_a)
    assert GovernmentRequest.objects.get(pk=request.pk).status == current


UNGUARDED = [
    (a, b)
    for a, targets in GovernmentRequest.TRANSITIONS.items()
    for b in sorted(targets)
    if b not in {RS.SUBMITTED, RS.ACCEPTED, RS.PARTIALLY_ACCEPTED, RS.REFUSED, RS.OPERATION_PLANNED}
]


@pytest.mark.parametrize(("current", "target"), UNGUARDED)
def test_every_unguarded_request_move_is_recorded(current, target, supervisor_a, org_a):
    submitted = None if current == RS.DRAFT else date(2025, 1, 10)
    request = factories.GovernmentRequestFactory(organisation=org_a, status=current, submitted_on=submitted)
    services.gov_request_transition(gov_request=request, to=target, actor=supervisor_a, note="why", on=date(2025, 2, 1))
    assert GovernmentRequest.objects.get(pk=request.pk).status == target
    assert RequestStatusChange.objects.get(request=request).note == "why"


def test_request_of_another_organisation_is_denied(caseworker_b, family_a, caseworker_a, authority):
    request = _sent_request(family_a, caseworker_a, authority)
    with pytest.raises(PermissionDenied):
        services.gov_request_transition(gov_request=request, to=RS.WITHDRAWN, actor=caseworker_b)
    with pytest.raises(PermissionDenied):
        services.gov_request_record_event(
            gov_request=request, kind="note", occurred_on=date(2025, 3, 1), actor=caseworker_b
        )


def test_handover_of_accepted_persons_completes_the_request(supervisor_a, family_a, authority):
    mother, *children = family_a
    request = _sent_request(family_a, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=request,
        decisions={mother: Decision.REFUSED, children[0]: Decision.ACCEPTED, children[1]: Decision.ACCEPTED},
        decided_on=date(2025, 4, 1),
        actor=supervisor_a,
    )
    with pytest.raises(DomainError, match="Only persons the State accepted"):
        services.handover_plan(
            gov_request=request, persons=family_a, planned_on=date(2025, 5, 1), place="Semalka", actor=supervisor_a
        )
    operation = services.handover_plan(
        gov_request=request, persons=children, planned_on=date(2025, 5, 1), place="Semalka", actor=supervisor_a
    )
    assert GovernmentRequest.objects.get(pk=request.pk).status == RS.OPERATION_PLANNED
    with pytest.raises(DomainError, match="signed handover document"):
        services.handover_complete(
            operation=operation, signed_on=date(2025, 5, 1), document=None, handed_over=children, actor=supervisor_a
        )
    operation = services.handover_complete(
        operation=operation,
        signed_on=date(2025, 5, 1),
        document=ContentFile(b"%PDF-1.4 synthetic", name="handover.pdf"),
        handed_over=children,
        actor=supervisor_a,
    )
    assert operation.status == HandoverStatus.COMPLETED
    assert GovernmentRequest.objects.get(pk=request.pk).status == RS.COMPLETED
    row = operation.handed_persons.get(person=children[0])
    assert row.handed_over
    # The bulk update wrote history rows with the actor.
    assert row.history.first().history_user == supervisor_a


def test_reference_numbers_continue_after_a_deleted_request(caseworker_a, family_a, authority):
    first = services.gov_request_create(
        authority=authority, persons=family_a[:1], actor=caseworker_a, drafted_on=date(2025, 1, 2)
    )
    services.gov_request_create(
        authority=authority, persons=family_a[1:2], actor=caseworker_a, drafted_on=date(2025, 1, 3)
    )
    first.delete()
    third = services.gov_request_create(
        authority=authority, persons=family_a[2:], actor=caseworker_a, drafted_on=date(2025, 1, 4)
    )
    assert third.reference == "ORGA-R2025-00003"


def test_audit_of_a_request_event_belongs_to_the_requests_organisation(superuser, family_a, caseworker_a, authority):
    from casework.core import audit

    request = _sent_request(family_a, caseworker_a, authority)
    event = audit.record(actor=superuser, action="test", target=request.events.first())
    assert event.organisation_id == request.organisation_id


# --- Marking many requests "no response" at once (the reminder sweep) -----------------------------


def test_marking_requests_no_response_records_each_move_like_a_transition(org_a, superuser):
    from casework.core.models import AuditEvent

    submitted = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    acknowledged = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)

    moved = services.gov_requests_mark_no_response(
        request_ids=[submitted.pk, acknowledged.pk], actor=superuser, note="No answer in 90 days."
    )

    assert moved == {submitted.pk, acknowledged.pk}
    for request, old in ((submitted, RS.SUBMITTED), (acknowledged, RS.ACKNOWLEDGED)):
        request.refresh_from_db()
        assert request.status == RS.NO_RESPONSE
        assert request.status_changed_at is not None
        change = RequestStatusChange.objects.get(request=request)
        assert (change.old_status, change.new_status, change.actor, change.note) == (
            old,
            RS.NO_RESPONSE,
            superuser,
            "No answer in 90 days.",
        )
        history = request.history.first()
        assert (history.status, history.history_type, history.history_user) == (RS.NO_RESPONSE, "~", superuser)
        assert history.history_change_reason == "No answer in 90 days."
        event = AuditEvent.objects.get(target_id=str(request.public_id))
        assert (event.action, event.actor, event.organisation_id) == (
            REQUEST_STATUS_CHANGED,
            superuser,
            org_a.pk,
        )
        assert event.data == {"from": old, "to": RS.NO_RESPONSE}


def test_marking_no_response_leaves_requests_whose_status_does_not_allow_it(org_a, superuser):
    refused = factories.GovernmentRequestFactory(
        organisation=org_a, status=RS.REFUSED, submitted_on=date(2025, 1, 10), decided_on=date(2025, 3, 1)
    )
    draft = factories.GovernmentRequestFactory(organisation=org_a)

    assert services.gov_requests_mark_no_response(request_ids=[refused.pk, draft.pk], actor=superuser) == set()

    assert set(GovernmentRequest.objects.values_list("status", flat=True)) == {RS.REFUSED, RS.DRAFT}
    assert not RequestStatusChange.objects.exists()


def test_marking_no_response_leaves_requests_the_actor_cannot_see(org_a, org_b, supervisor_a):
    own = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    other = factories.GovernmentRequestFactory(organisation=org_b, submitted=True)

    assert services.gov_requests_mark_no_response(request_ids=[own.pk, other.pk], actor=supervisor_a) == {own.pk}

    other.refresh_from_db()
    assert other.status == RS.SUBMITTED
    assert not other.status_changes.exists()


@pytest.mark.parametrize("count", [1, 6])
def test_marking_no_response_takes_the_same_queries_for_one_request_or_many(
    org_a, superuser, count, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(GovernmentRequest)  # cached per process, as in a worker
    ids = [factories.GovernmentRequestFactory(organisation=org_a, submitted=True).pk for _ in range(count)]

    # savepoint, lock the rows, update them, insert the history rows, the status changes and the
    # audit events, look for open reminders about them (to resolve those that no longer hold),
    # release the savepoint
    with django_assert_num_queries(8):
        assert services.gov_requests_mark_no_response(request_ids=ids, actor=superuser) == set(ids)


def test_the_service_refuses_a_decision_dated_in_the_future_whatever_the_form(org_a, supervisor_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)

    with pytest.raises(DomainError, match="future"):
        services.gov_request_record_decisions(
            gov_request=gov_request,
            decisions={person_a: Decision.ACCEPTED},
            decided_on=timezone.localdate() + timedelta(days=1),
            actor=supervisor_a,
        )

    assert gov_request.covered.get().decision == Decision.PENDING


def test_a_handover_cannot_be_planned_before_the_state_accepted_anyone(org_a, supervisor_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a, decision=Decision.ACCEPTED)

    with pytest.raises(DomainError, match="accepted"):
        services.handover_plan(
            gov_request=gov_request,
            persons=[person_a],
            planned_on=timezone.localdate() + timedelta(days=7),
            place="Semalka",
            actor=supervisor_a,
        )

    assert not gov_request.handovers.exists()

"""What the request services share: the locked, scoped request; the persons check; a status move."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.history import save_with_history
from casework.core.signals import records_changed_send
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, DECISION_STATUSES, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson, RequestStatusChange
from casework.govrequests.services.clock import request_clock_refresh
from casework.people.case_moves import CaseMoveRefused, persons_follow
from casework.people.choices import CaseStatus
from casework.people.models import Person

# The audit action of a request's status move (one request here, many at once in `requests`).
REQUEST_STATUS_CHANGED = "govrequests.request.status_changed"

# How the cases a request covers follow its own moves (decisions move them one by one, see
# `requests.gov_request_record_decisions`): to this case status, from these.
CASES_FOLLOW_REQUEST: dict[str, tuple[str, frozenset[str]]] = {
    RequestStatus.SUBMITTED: (CaseStatus.REQUEST_PENDING, frozenset({CaseStatus.READY_FOR_REQUEST})),
    # An appeal puts the refused cases before the State again.
    RequestStatus.REVIEW_REQUESTED: (CaseStatus.REQUEST_PENDING, frozenset({CaseStatus.REFUSED})),
    RequestStatus.WITHDRAWN: (
        CaseStatus.READY_FOR_REQUEST,
        frozenset({CaseStatus.REQUEST_PENDING, CaseStatus.REFUSED, CaseStatus.ACCEPTED}),
    ),
    RequestStatus.LAPSED: (
        CaseStatus.READY_FOR_REQUEST,
        frozenset({CaseStatus.REQUEST_PENDING, CaseStatus.REFUSED, CaseStatus.ACCEPTED}),
    ),
}


def lock_visible_request(gov_request: GovernmentRequest, actor: Any) -> GovernmentRequest:
    """The request's row, locked, or PermissionDenied if the actor cannot see it."""
    if not GovernmentRequest.objects.visible_to(actor).filter(pk=gov_request.pk).exists():
        raise PermissionDenied
    return GovernmentRequest.objects.select_for_update().get(pk=gov_request.pk)


def check_persons(persons: Iterable[Person], *, organisation_id: int, actor: Any) -> list[Person]:
    """The persons, refused unless all are visible to the actor and belong to the request's organisation.

    Their rows are locked (the caller holds the transaction): a merge under way makes this wait, and its
    tombstone is then no longer visible, instead of being put on the request after the merge moved its rows.
    """
    persons = list(persons)
    ids = {p.pk for p in persons}
    visible = set(
        Person.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if visible != ids:
        raise PermissionDenied
    if any(p.organisation_id != organisation_id for p in persons):
        raise DomainError(_("A request can only cover persons of its own organisation."))
    return persons


def save_with_persons(record: Any, persons: Iterable[Person], row_model: type[Any], link: str, actor: Any) -> None:
    """Validate and save a new `record` (a request, a handover operation) and one `row_model` row per person,
    linked to it through the field `link`, each with its history."""
    record.full_clean()
    save_with_history(record, actor)
    for person in persons:
        save_with_history(row_model(**{link: record}, person=person), actor)


def apply_transition(
    locked: GovernmentRequest, *, to: str, actor: Any, note: str, on: date | None
) -> list[CaseMoveRefused]:
    """Move an already-locked request, and its cases with it; the caller holds the transaction.

    Returns the case moves refused by the case transition table or a guard (the cases stay).
    """
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=RequestStatus)
    if to in DECISION_STATUSES and not actor.has_perm("govrequests.decide_request"):
        raise PermissionDenied
    blocker = locked.transition_blocker(to)
    if blocker:
        raise TransitionNotAllowed(current=locked.status, requested=to, reason=blocker, labels=RequestStatus)
    day = on or timezone.localdate()
    old = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    if to == RequestStatus.SUBMITTED and locked.submitted_on is None:
        locked.submitted_on = day
    if to == RequestStatus.ACKNOWLEDGED and locked.acknowledged_on is None:
        locked.acknowledged_on = day
    if to in DECISION_STATUSES:
        locked.decided_on = day
    locked.full_clean()
    save_with_history(locked, actor, reason=note)
    RequestStatusChange.objects.create(request=locked, old_status=old, new_status=to, actor=actor, note=note)
    audit.record(actor=actor, action=REQUEST_STATUS_CHANGED, target=locked, data={"from": old, "to": to})
    request_clock_refresh(locked)
    refused = cases_follow_request(locked, to=to, actor=actor, note=note)
    records_changed_send(gov_request_ids=[locked.pk])
    return refused


def cases_follow_request(locked: GovernmentRequest, *, to: str, actor: Any, note: str) -> list[CaseMoveRefused]:
    """Move the request's cases as `CASES_FOLLOW_REQUEST` says; the refused moves.

    A withdrawn or lapsed request returns a case to "ready for request" only when no other
    request still before a State covers it.
    """
    if to not in CASES_FOLLOW_REQUEST:
        return []
    case_status, from_statuses = CASES_FOLLOW_REQUEST[to]
    person_ids = set(locked.covered.values_list("person_id", flat=True))
    if case_status == CaseStatus.READY_FOR_REQUEST:
        person_ids -= set(
            RequestedPerson.objects.filter(person_id__in=person_ids, request__status__in=AWAITING_ANSWER_STATUSES)
            .exclude(request=locked)
            .values_list("person_id", flat=True)
        )
    return persons_follow(
        person_ids=person_ids, to=case_status, actor=actor, cause=locked, note=note, from_statuses=from_statuses
    )

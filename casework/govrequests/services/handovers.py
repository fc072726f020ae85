"""Writes about handover operations: plan, complete against the signed document, cancel."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import save_with_history
from casework.core.signals import records_changed_send
from casework.govrequests import family_unity, selectors
from casework.govrequests.choices import ACCEPTED_DECISIONS, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, HandoverOperation, HandoverPerson, RequestedPerson
from casework.govrequests.services.common import (
    apply_transition,
    check_persons,
    lock_visible_request,
    save_with_persons,
)
from casework.people.case_moves import CaseMoveRefused, custody_close_many, persons_follow
from casework.people.choices import CaseStatus, TransferReason
from casework.people.models import Person


def _accepted_person_ids(request_id: int) -> set[int]:
    """The persons of the request whom the State accepts (today's decisions)."""
    return set(
        RequestedPerson.objects.filter(request_id=request_id, decision__in=ACCEPTED_DECISIONS).values_list(
            "person_id", flat=True
        )
    )


@transaction.atomic
def handover_plan(
    *,
    gov_request: GovernmentRequest,
    persons: Iterable[Person],
    planned_on: date,
    place: str,
    actor: Any,
    receiving_delegation: str = "",
) -> HandoverOperation:
    """Plan a handover of accepted persons of a request.

    A plan that separates a child from a parent in the camps is refused unless the actor may approve
    it and the child's best-interests determination and the parent's consent are recorded
    (`family_unity.separation_blockers`); an approved separation is kept in the audit log.
    """
    locked = lock_visible_request(gov_request, actor)
    if not locked.can_plan_handover:
        raise DomainError(_("A handover can be planned only once the State accepted someone."))
    persons = check_persons(persons, organisation_id=locked.organisation_id, actor=actor)
    accepted = _accepted_person_ids(locked.pk)
    if not persons or any(p.pk not in accepted for p in persons):
        raise DomainError(_("Only persons the State accepted can be handed over."))
    separations = family_unity.handover_separations(locked, persons)
    blockers = family_unity.separation_blockers(separations, actor=actor)
    if blockers:
        raise DomainError(" ".join(blockers))
    operation = HandoverOperation(
        organisation_id=locked.organisation_id,
        request=locked,
        receiving_country=locked.authority.country,
        planned_on=planned_on,
        place=place,
        receiving_delegation=receiving_delegation,
    )
    save_with_persons(operation, persons, HandoverPerson, "operation", actor)
    refused: list[CaseMoveRefused] = []
    if locked.can_transition_to(RequestStatus.OPERATION_PLANNED):
        refused += apply_transition(locked, to=RequestStatus.OPERATION_PLANNED, actor=actor, note="", on=None)
    refused += persons_follow(
        person_ids=[p.pk for p in persons], to=CaseStatus.HANDOVER_SCHEDULED, actor=actor, cause=operation
    )
    audit.record(actor=actor, action="govrequests.handover.planned", target=operation, data={"persons": len(persons)})
    approved = family_unity.separation_approval_data(separations)
    if approved:
        audit.record(
            actor=actor,
            action="govrequests.handover.separation_approved",
            target=operation,
            data={"separations": approved},
        )
    records_changed_send(gov_request_ids=[locked.pk], person_ids=[p.pk for p in persons])
    operation.case_moves_refused = refused
    return operation


def _lock_whole_operation(operation: HandoverOperation, actor: Any) -> HandoverOperation:
    """The operation, locked, if the actor sees it and every person on it (they act on all of them)."""
    if not HandoverOperation.objects.visible_to(actor).filter(pk=operation.pk).exists():
        raise PermissionDenied
    locked = HandoverOperation.objects.select_for_update().get(pk=operation.pk)
    if not selectors.handover_seen_whole(operation=locked, user=actor):
        raise PermissionDenied
    return locked


@transaction.atomic
def handover_complete(
    *, operation: HandoverOperation, signed_on: date, document: File | None, handed_over: Iterable[Person], actor: Any
) -> HandoverOperation:
    """Record that the handover took place, with the signed document and who was actually handed over.

    Each person handed over leaves the camp that day: their open custody period ends on `signed_on`
    (reason: handover to the State's delegation) and their case moves to "handed over". Persons on
    the operation who were not handed over go back to "accepted" unless another planned operation
    has them. Refused case moves are on the returned operation's `case_moves_refused`.
    """
    locked = _lock_whole_operation(operation, actor)
    if locked.status != HandoverStatus.PLANNED:
        raise DomainError(_("Only a planned handover can be completed."))
    if signed_on > timezone.localdate():
        raise DomainError(_("A handover cannot be completed in the future."))
    if document is not None:
        locked.handover_document = document
    if not locked.handover_document:
        raise DomainError(_("Attach the signed handover document."))
    handed_ids = {p.pk for p in handed_over}
    on_operation = set(locked.handed_persons.values_list("person_id", flat=True))
    if not handed_ids or not handed_ids <= on_operation:
        raise DomainError(_("Only persons on this operation can be handed over."))
    if locked.request_id:
        # The State may have changed its decision since the plan: only those it still accepts go.
        withdrawn = handed_ids - _accepted_person_ids(locked.request_id)
        if withdrawn:
            cases = (
                Person.objects.filter(pk__in=withdrawn).order_by("case_number").values_list("case_number", flat=True)
            )
            raise DomainError(
                _("The State no longer accepts case(s) %(cases)s: they cannot be handed over.")
                % {"cases": ", ".join(cases)}
            )
    locked.document_signed_on = signed_on
    locked.status = HandoverStatus.COMPLETED
    locked.full_clean()
    save_with_history(locked, actor)
    rows = list(locked.handed_persons.filter(person_id__in=handed_ids))
    for row in rows:
        row.handed_over = True
    bulk_update_with_history(rows, HandoverPerson, ["handed_over"], default_user=actor)
    late = custody_close_many(
        person_ids=sorted(handed_ids), on=signed_on, reason=TransferReason.HANDOVER_TO_STATE, actor=actor
    )
    if late:
        raise DomainError(
            _("The handover is dated before the current custody period of case(s) %(cases)s began.")
            % {"cases": ", ".join(late)}
        )
    refused = persons_follow(person_ids=handed_ids, to=CaseStatus.HANDED_OVER, actor=actor, cause=locked)
    refused += _unschedule(on_operation - handed_ids, operation=locked, actor=actor)
    if locked.request_id:
        request = GovernmentRequest.objects.select_for_update().get(pk=locked.request_id)
        final = RequestStatus.COMPLETED if handed_ids == on_operation else RequestStatus.PARTIALLY_COMPLETED
        if request.can_transition_to(final):
            refused += apply_transition(request, to=final, actor=actor, note="", on=signed_on)
    audit.record(actor=actor, action="govrequests.handover.completed", target=locked, data={"persons": len(handed_ids)})
    records_changed_send(person_ids=on_operation, gov_request_ids=[locked.request_id] if locked.request_id else [])
    locked.case_moves_refused = refused
    return locked


def _unschedule(person_ids: set[int], *, operation: HandoverOperation, actor: Any) -> list[CaseMoveRefused]:
    """Cases scheduled for `operation` that it did not hand over go back to "accepted" (unless another plan has them)."""
    elsewhere = set(
        HandoverPerson.objects.filter(person_id__in=person_ids, operation__status=HandoverStatus.PLANNED)
        .exclude(operation=operation)
        .values_list("person_id", flat=True)
    )
    return persons_follow(
        person_ids=person_ids - elsewhere,
        to=CaseStatus.ACCEPTED,
        actor=actor,
        cause=operation,
        from_statuses={CaseStatus.HANDOVER_SCHEDULED},
    )


@transaction.atomic
def handover_cancel(*, operation: HandoverOperation, reason: str, actor: Any) -> HandoverOperation:
    """Cancel a planned handover (the delegation did not come, the crossing was closed…), with the reason.

    The reason is added to the operation's notes, dated. The request keeps its status: another
    operation can be planned for it. The cases scheduled for it go back to "accepted" (unless
    another planned operation has them); nothing else is undone, because nothing else happened.
    """
    locked = _lock_whole_operation(operation, actor)
    if locked.status != HandoverStatus.PLANNED:
        raise DomainError(_("Only a planned handover can be cancelled."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling the handover."))
    locked.status = HandoverStatus.CANCELLED
    locked.notes = f"{locked.notes}\n{timezone.localdate().isoformat()}: {reason}".strip()
    save_with_history(locked, actor, reason=reason)
    # Only the scheduling happened: undo that, nothing else (no custody was closed, nobody left).
    person_ids = set(locked.handed_persons.values_list("person_id", flat=True))
    locked.case_moves_refused = _unschedule(person_ids, operation=locked, actor=actor)
    records_changed_send(person_ids=person_ids, gov_request_ids=[locked.request_id] if locked.request_id else [])
    audit.record(
        actor=actor,
        action="govrequests.handover.cancelled",
        target=locked,
        data={"from": HandoverStatus.PLANNED, "to": HandoverStatus.CANCELLED},
    )
    return locked

"""Writes about government requests: create, persons of a draft, status moves, events, decisions."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import Organisation
from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import delete_with_history, save_with_history
from casework.core.signals import records_changed_send
from casework.govrequests.choices import ACCEPTED_DECISIONS, Decision, EventKind, HandoverStatus, RequestStatus
from casework.govrequests.clock import CLOCK_EVENT_KINDS
from casework.govrequests.models import (
    GovernmentAuthority,
    GovernmentRequest,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.govrequests.services.clock import request_clock_refresh
from casework.govrequests.services.common import (
    REQUEST_STATUS_CHANGED,
    apply_transition,
    check_persons,
    lock_visible_request,
    save_with_persons,
)
from casework.govrequests.services.policy_checks import check_against_policy, record_policy_override
from casework.people.case_moves import CaseMoveRefused, persons_follow
from casework.people.choices import CaseStatus
from casework.people.models import Person

logger = logging.getLogger(__name__)
# An event of this kind moves the request to this status when that move is legal.
EVENT_MOVES_REQUEST_TO = {
    EventKind.SUBMITTED: RequestStatus.SUBMITTED,
    EventKind.ACKNOWLEDGED: RequestStatus.ACKNOWLEDGED,
    EventKind.INFORMATION_REQUESTED: RequestStatus.INFORMATION_REQUESTED,
    EventKind.INFORMATION_PROVIDED: RequestStatus.UNDER_REVIEW,
    EventKind.APPEAL: RequestStatus.REVIEW_REQUESTED,
}


def _next_reference(organisation_id: int, year: int) -> str:
    """The organisation's next request reference for `year`, under a row lock."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    prefix = f"{organisation.code}-R{year}-"
    # Number after the highest suffix in use, not the count: deleted requests leave gaps.
    references = GovernmentRequest.objects.filter(
        organisation_id=organisation_id, reference__startswith=prefix
    ).values_list("reference", flat=True)
    numbers = [int(ref.removeprefix(prefix)) for ref in references if ref.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:05d}"


@transaction.atomic
def gov_request_create(
    *,
    authority: GovernmentAuthority,
    persons: Iterable[Person],
    actor: Any,
    drafted_on: date | None = None,
    channel: str = "email",
    reference: str = "",
    notes: str = "",
    organisation_id: int | None = None,
    policy_reason: str = "",
) -> GovernmentRequest:
    """Draft a request to `authority` covering `persons` (e.g. a mother and her children).

    Persons outside the State's current policy are refused (`OutsidePolicy`) unless `policy_reason`
    says why the request goes on; the reason is then recorded on the request.
    """
    organisation_id = organisation_id if actor.is_superuser and organisation_id else actor.organisation_id
    if organisation_id is None:
        raise DomainError(_("Choose the organisation that owns this request."))
    persons = check_persons(persons, organisation_id=organisation_id, actor=actor)
    policy, warnings = check_against_policy(
        organisation_id=organisation_id, authority=authority, persons=persons, reason=policy_reason
    )
    drafted_on = drafted_on or timezone.localdate()
    gov_request = GovernmentRequest(
        organisation_id=organisation_id,
        authority=authority,
        channel=channel,
        drafted_on=drafted_on,
        reference=reference or _next_reference(organisation_id, drafted_on.year),
        notes=notes,
        created_by=actor,
    )
    save_with_persons(gov_request, persons, RequestedPerson, "request", actor)
    audit.record(actor=actor, action="govrequests.request.created", target=gov_request, data={"persons": len(persons)})
    record_policy_override(gov_request=gov_request, policy=policy, warnings=warnings, reason=policy_reason, actor=actor)
    return gov_request


@transaction.atomic
def gov_request_add_persons(
    *, gov_request: GovernmentRequest, persons: Iterable[Person], actor: Any, policy_reason: str = ""
) -> int:
    """Add persons to a draft request; returns how many were new.

    New persons outside the State's current policy are refused (`OutsidePolicy`) unless
    `policy_reason` says why; the reason is then recorded on the request.
    """
    locked = lock_visible_request(gov_request, actor)
    if locked.status != RequestStatus.DRAFT:
        raise DomainError(_("Persons can only be added while the request is a draft."))
    persons = check_persons(persons, organisation_id=locked.organisation_id, actor=actor)
    already = set(locked.covered.values_list("person_id", flat=True))
    added = [RequestedPerson(request=locked, person=p) for p in persons if p.pk not in already]
    policy, warnings = check_against_policy(
        organisation_id=locked.organisation_id,
        authority=locked.authority,
        persons=[row.person for row in added],
        reason=policy_reason,
    )
    for row in added:
        save_with_history(row, actor)
    audit.record(actor=actor, action="govrequests.request.persons_added", target=locked, data={"added": len(added)})
    record_policy_override(gov_request=locked, policy=policy, warnings=warnings, reason=policy_reason, actor=actor)
    return len(added)


@transaction.atomic
def gov_request_transition(
    *, gov_request: GovernmentRequest, to: str, actor: Any, note: str = "", on: date | None = None
) -> GovernmentRequest:
    """Move a request to `to`, recording who did it, when and why. Raises TransitionNotAllowed."""
    locked = lock_visible_request(gov_request, actor)
    locked.case_moves_refused = apply_transition(locked, to=to, actor=actor, note=note, on=on)
    return locked


@transaction.atomic
def gov_requests_mark_no_response(*, request_ids: Iterable[int], actor: Any, note: str = "") -> set[int]:
    """Move many requests to *no response* at once (the reminder sweep's mark); returns the ids moved.

    Each request gets what `gov_request_transition` gives it: the same guard (a legal move, no
    blocker, a valid row), a history row, a status change and an audit event; but in a constant
    number of queries (lock, update, then one insert each for the history rows, status changes
    and audit events) instead of about 25 per request, because a sweep after a pause may mark
    hundreds. Only `status` changes, so the row is checked with `clean()` (dates), not a full
    `full_clean()`. Requests the actor cannot see, moved meanwhile, or invalid are left as they are.
    """
    to = RequestStatus.NO_RESPONSE
    requests = list(
        GovernmentRequest.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=list(request_ids))
        .order_by("pk")
    )
    now = timezone.now()
    moved: list[tuple[GovernmentRequest, str]] = []
    for gov_request in requests:
        if not gov_request.can_transition_to(to) or gov_request.transition_blocker(to):
            continue
        try:
            gov_request.clean()
        except ValidationError:
            logger.warning("govrequests: request %s is invalid, not marked no response", gov_request.public_id)
            continue
        moved.append((gov_request, gov_request.status))
        gov_request.status = to
        gov_request.status_changed_at = now
        gov_request.updated_at = now
    if not moved:
        return set()
    ids = [gov_request.pk for gov_request, _old in moved]
    GovernmentRequest.objects.filter(pk__in=ids).update(status=to, status_changed_at=now, updated_at=now)
    GovernmentRequest.history.bulk_history_create(
        [gov_request for gov_request, _old in moved],
        update=True,
        default_user=actor,
        default_change_reason=note[:100],
        default_date=now,
    )
    RequestStatusChange.objects.bulk_create(
        RequestStatusChange(request=gov_request, old_status=old, new_status=to, actor=actor, note=note)
        for gov_request, old in moved
    )
    audit.record_many(
        actor=actor,
        action=REQUEST_STATUS_CHANGED,
        targets=[(gov_request, {"from": old, "to": to}) for gov_request, old in moved],
    )
    records_changed_send(gov_request_ids=ids)
    return set(ids)


@transaction.atomic
def gov_request_record_event(
    *,
    gov_request: GovernmentRequest,
    kind: str,
    occurred_on: date,
    actor: Any,
    due_on: date | None = None,
    description: str = "",
    document: File | None = None,
) -> RequestEvent:
    """Record what happened on a request; some kinds also move its status, its clock or its cases.

    Sent / acknowledged / information requested / provided / appeal move the request's status
    (`EVENT_MOVES_REQUEST_TO`); information requested / provided and an extension granted move
    its deadline clock; an arrival confirmation moves the cases handed over on its completed
    handovers to "repatriated". The refused case moves are on the returned event's
    `case_moves_refused`.
    """
    locked = lock_visible_request(gov_request, actor)
    if kind == EventKind.EXTENSION_GRANTED and due_on is None:
        raise DomainError(_("Give the new due date the State granted."))
    if kind == EventKind.ARRIVAL_CONFIRMED and occurred_on > timezone.localdate():
        raise DomainError(_("An arrival cannot be confirmed in the future."))
    event = RequestEvent(
        request=locked,
        kind=kind,
        occurred_on=occurred_on,
        due_on=due_on,
        description=description,
        created_by=actor,
    )
    if document is not None:
        event.document = document
    event.full_clean()
    save_with_history(event, actor)
    refused: list[CaseMoveRefused] = []
    target = EVENT_MOVES_REQUEST_TO.get(kind)
    if target and target != locked.status and locked.can_transition_to(target):
        refused += apply_transition(locked, to=target, actor=actor, note=description, on=occurred_on)
    if kind in CLOCK_EVENT_KINDS:
        request_clock_refresh(locked)
    if kind == EventKind.ARRIVAL_CONFIRMED:
        arrived = HandoverPerson.objects.filter(
            operation__request=locked, operation__status=HandoverStatus.COMPLETED, handed_over=True
        ).values_list("person_id", flat=True)
        refused += persons_follow(
            person_ids=arrived,
            to=CaseStatus.REPATRIATED,
            actor=actor,
            cause=locked,
            note=description,
            from_statuses={CaseStatus.HANDED_OVER},
        )
    audit.record(actor=actor, action="govrequests.request.event_recorded", target=locked, data={"kind": kind})
    records_changed_send(gov_request_ids=[locked.pk])
    event.case_moves_refused = refused
    return event


# The case status that follows a person's decision (pending and "no answer" move nothing).
CASE_STATUS_OF_DECISION = {
    Decision.ACCEPTED: CaseStatus.ACCEPTED,
    Decision.PARTIALLY_ACCEPTED: CaseStatus.ACCEPTED,
    Decision.REFUSED: CaseStatus.REFUSED,
}


def _decision_status(decisions: list[str]) -> str | None:
    """The request's decision status that follows from its persons' decisions, if all are decided."""
    if not decisions or Decision.PENDING in decisions:
        return None
    positive = sum(d in ACCEPTED_DECISIONS for d in decisions)
    if positive == len(decisions):
        return RequestStatus.ACCEPTED
    if positive == 0 and all(d == Decision.REFUSED for d in decisions):
        return RequestStatus.REFUSED
    if positive:
        return RequestStatus.PARTIALLY_ACCEPTED
    return None


@transaction.atomic
def gov_request_record_decisions(
    *,
    gov_request: GovernmentRequest,
    decisions: Mapping[Person, str],
    decided_on: date,
    actor: Any,
    note: str = "",
) -> GovernmentRequest:
    """Record the State's decision for each person; each case and, once all are decided, the request follow.

    A person accepted (with or without conditions) moves to "accepted", a refused one to
    "refused", through the case transition table and guards (`people.case_moves`); a move they
    refuse leaves that case as it is and is listed, with its reason, on the returned request's
    `case_moves_refused`. A decision for a person the request does not cover is refused with a DomainError.
    """
    if not actor.has_perm("govrequests.decide_request"):
        raise PermissionDenied
    if decided_on > timezone.localdate():
        raise DomainError(_("A decision cannot be dated in the future."))
    locked = lock_visible_request(gov_request, actor)
    if not locked.can_record_decisions:
        raise DomainError(_("This request was never sent or is closed: no decision can be recorded."))
    rows = {row.person_id: row for row in locked.covered.select_for_update()}
    moves: dict[str, set[int]] = defaultdict(set)
    for person, decision in decisions.items():
        if decision not in Decision.values:
            raise DomainError(_("Unknown decision."))
        row = rows.get(person.pk)
        if row is None:
            raise DomainError(_("Case %(case)s is not covered by this request.") % {"case": person.case_number})
        if decision != row.decision and decision in CASE_STATUS_OF_DECISION:
            moves[CASE_STATUS_OF_DECISION[decision]].add(person.pk)
        row.decision = decision
        row.decided_on = decided_on if decision != Decision.PENDING else None
        row.decision_note = note
        save_with_history(row, actor)
    audit.record(
        actor=actor, action="govrequests.request.decisions_recorded", target=locked, data={"count": len(decisions)}
    )
    refused: list[CaseMoveRefused] = []
    for case_status in sorted(moves):
        refused += persons_follow(person_ids=moves[case_status], to=case_status, actor=actor, cause=locked, note=note)
    status = _decision_status([row.decision for row in rows.values()])
    if status and status != locked.status and locked.can_transition_to(status):
        refused += apply_transition(locked, to=status, actor=actor, note=note, on=decided_on)
    records_changed_send(gov_request_ids=[locked.pk], person_ids=rows)
    locked.case_moves_refused = refused
    return locked


@transaction.atomic
def gov_request_remove_person(*, gov_request: GovernmentRequest, person: Person, actor: Any) -> GovernmentRequest:
    """Take a person off a draft request; recorded in the row's history and the audit log.

    Refused once the request was sent: what the State received stays as it was.
    """
    locked = lock_visible_request(gov_request, actor)
    if locked.status != RequestStatus.DRAFT:
        raise DomainError(_("Persons can only be removed while the request is a draft."))
    check_persons([person], organisation_id=locked.organisation_id, actor=actor)
    row = locked.covered.select_for_update().filter(person_id=person.pk).first()
    if row is None:
        raise DomainError(_("Case %(case)s is not covered by this request.") % {"case": person.case_number})
    delete_with_history(row, actor)
    records_changed_send(gov_request_ids=[locked.pk], person_ids=[person.pk])
    audit.record(
        actor=actor,
        action="govrequests.request.person_removed",
        target=locked,
        data={"person": str(person.public_id)},
    )
    return locked

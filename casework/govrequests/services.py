"""Writes about government requests and handover operations.

Terms: a *request* asks one authority of one State to take back the persons it *covers*; the
State answers with a *decision* per covered person, from which the request's own decision status
follows; *events* are what happened on the request (sent, acknowledged, information requested,
answer, follow-up, appeal, court deadline). A *handover operation* is the day persons are handed
to the State's delegation against a signed handover document.

A *follow-up* is one consolidated letter to an authority that has not answered, listing every
person it still owes a decision on across the organisation's requests to it; it is *drafted*
(or refreshed) automatically by the reminder sweep or by a caseworker, reviewed, then *sent*.
Sending it is a *disclosure*: the fields the organisation's *disclosure policy* allows for that
authority (never an L3 field), recorded with who, when, to which address and which persons.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from casework.accounts.models import Organisation
from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.history import save_with_history
from casework.govrequests import selectors
from casework.govrequests.choices import (
    ACCEPTED_DECISIONS,
    DECISION_STATUSES,
    Channel,
    Decision,
    EventKind,
    FollowUpStatus,
    HandoverStatus,
    RequestStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    FollowUpItem,
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.outbox.services import outbound_message_create
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


def _lock_visible_request(gov_request: GovernmentRequest, actor: Any) -> GovernmentRequest:
    """The request's row, locked, or PermissionDenied if the actor cannot see it."""
    if not GovernmentRequest.objects.visible_to(actor).filter(pk=gov_request.pk).exists():
        raise PermissionDenied
    return GovernmentRequest.objects.select_for_update().get(pk=gov_request.pk)


def _check_persons(persons: Iterable[Person], *, organisation_id: int, actor: Any) -> list[Person]:
    """The persons, refused unless all are visible to the actor and belong to the request's organisation."""
    persons = list(persons)
    ids = {p.pk for p in persons}
    visible = set(Person.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if visible != ids:
        raise PermissionDenied
    if any(p.organisation_id != organisation_id for p in persons):
        raise DomainError(_("A request can only cover persons of its own organisation."))
    return persons


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
) -> GovernmentRequest:
    """Draft a request to `authority` covering `persons` (e.g. a mother and her children)."""
    organisation_id = organisation_id if actor.is_superuser and organisation_id else actor.organisation_id
    if organisation_id is None:
        raise DomainError(_("Choose the organisation that owns this request."))
    persons = _check_persons(persons, organisation_id=organisation_id, actor=actor)
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
    gov_request.full_clean()
    save_with_history(gov_request, actor)
    for person in persons:
        row = RequestedPerson(request=gov_request, person=person)
        save_with_history(row, actor)
    audit.record(actor=actor, action="govrequests.request.created", target=gov_request, data={"persons": len(persons)})
    return gov_request


@transaction.atomic
def gov_request_add_persons(*, gov_request: GovernmentRequest, persons: Iterable[Person], actor: Any) -> int:
    """Add persons to a draft request; returns how many were new."""
    locked = _lock_visible_request(gov_request, actor)
    if locked.status != RequestStatus.DRAFT:
        raise DomainError(_("Persons can only be added while the request is a draft."))
    persons = _check_persons(persons, organisation_id=locked.organisation_id, actor=actor)
    already = set(locked.covered.values_list("person_id", flat=True))
    added = [RequestedPerson(request=locked, person=p) for p in persons if p.pk not in already]
    for row in added:
        save_with_history(row, actor)
    audit.record(actor=actor, action="govrequests.request.persons_added", target=locked, data={"added": len(added)})
    return len(added)


def _apply_transition(locked: GovernmentRequest, *, to: str, actor: Any, note: str, on: date | None) -> None:
    """Move an already-locked request; the caller holds the transaction."""
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
    audit.record(actor=actor, action="govrequests.request.status_changed", target=locked, data={"from": old, "to": to})


@transaction.atomic
def gov_request_transition(
    *, gov_request: GovernmentRequest, to: str, actor: Any, note: str = "", on: date | None = None
) -> GovernmentRequest:
    """Move a request to `to`, recording who did it, when and why. Raises TransitionNotAllowed."""
    locked = _lock_visible_request(gov_request, actor)
    _apply_transition(locked, to=to, actor=actor, note=note, on=on)
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
        action="govrequests.request.status_changed",
        targets=[(gov_request, {"from": old, "to": to}) for gov_request, old in moved],
    )
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
    """Record what happened on a request; sent / acknowledged / information requested also move its status."""
    locked = _lock_visible_request(gov_request, actor)
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
    target = EVENT_MOVES_REQUEST_TO.get(kind)
    if target and target != locked.status and locked.can_transition_to(target):
        _apply_transition(locked, to=target, actor=actor, note=description, on=occurred_on)
    if kind == EventKind.INFORMATION_REQUESTED and due_on:
        locked.answer_due_on = due_on
        locked.save(update_fields=["answer_due_on", "updated_at"])
    audit.record(actor=actor, action="govrequests.request.event_recorded", target=locked, data={"kind": kind})
    return event


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
    """Record the State's decision for each person; once all are decided the request's status follows.

    A decision for a person the request does not cover is refused with a DomainError.
    """
    if not actor.has_perm("govrequests.decide_request"):
        raise PermissionDenied
    if decided_on > timezone.localdate():
        raise DomainError(_("A decision cannot be dated in the future."))
    locked = _lock_visible_request(gov_request, actor)
    if not locked.can_record_decisions:
        raise DomainError(_("This request was never sent or is closed: no decision can be recorded."))
    rows = {row.person_id: row for row in locked.covered.select_for_update()}
    for person, decision in decisions.items():
        if decision not in Decision.values:
            raise DomainError(_("Unknown decision."))
        row = rows.get(person.pk)
        if row is None:
            raise DomainError(_("Case %(case)s is not covered by this request.") % {"case": person.case_number})
        row.decision = decision
        row.decided_on = decided_on if decision != Decision.PENDING else None
        row.decision_note = note
        save_with_history(row, actor)
    audit.record(
        actor=actor, action="govrequests.request.decisions_recorded", target=locked, data={"count": len(decisions)}
    )
    status = _decision_status([row.decision for row in rows.values()])
    if status and status != locked.status and locked.can_transition_to(status):
        _apply_transition(locked, to=status, actor=actor, note=note, on=decided_on)
    return locked


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
    """Plan a handover of accepted persons of a request."""
    locked = _lock_visible_request(gov_request, actor)
    if not locked.can_plan_handover:
        raise DomainError(_("A handover can be planned only once the State accepted someone."))
    persons = _check_persons(persons, organisation_id=locked.organisation_id, actor=actor)
    accepted = set(locked.covered.filter(decision__in=ACCEPTED_DECISIONS).values_list("person_id", flat=True))
    if not persons or any(p.pk not in accepted for p in persons):
        raise DomainError(_("Only persons the State accepted can be handed over."))
    operation = HandoverOperation(
        organisation_id=locked.organisation_id,
        request=locked,
        receiving_country=locked.authority.country,
        planned_on=planned_on,
        place=place,
        receiving_delegation=receiving_delegation,
    )
    operation.full_clean()
    save_with_history(operation, actor)
    for person in persons:
        row = HandoverPerson(operation=operation, person=person)
        save_with_history(row, actor)
    if locked.can_transition_to(RequestStatus.OPERATION_PLANNED):
        _apply_transition(locked, to=RequestStatus.OPERATION_PLANNED, actor=actor, note="", on=None)
    audit.record(actor=actor, action="govrequests.handover.planned", target=operation, data={"persons": len(persons)})
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
    """Record that the handover took place, with the signed document and who was actually handed over."""
    locked = _lock_whole_operation(operation, actor)
    if locked.status != HandoverStatus.PLANNED:
        raise DomainError(_("Only a planned handover can be completed."))
    if document is not None:
        locked.handover_document = document
    if not locked.handover_document:
        raise DomainError(_("Attach the signed handover document."))
    handed_ids = {p.pk for p in handed_over}
    on_operation = set(locked.handed_persons.values_list("person_id", flat=True))
    if not handed_ids or not handed_ids <= on_operation:
        raise DomainError(_("Only persons on this operation can be handed over."))
    locked.document_signed_on = signed_on
    locked.status = HandoverStatus.COMPLETED
    locked.full_clean()
    save_with_history(locked, actor)
    rows = list(locked.handed_persons.filter(person_id__in=handed_ids))
    for row in rows:
        row.handed_over = True
    bulk_update_with_history(rows, HandoverPerson, ["handed_over"], default_user=actor)
    if locked.request_id:
        request = GovernmentRequest.objects.select_for_update().get(pk=locked.request_id)
        final = RequestStatus.COMPLETED if handed_ids == on_operation else RequestStatus.PARTIALLY_COMPLETED
        if request.can_transition_to(final):
            _apply_transition(request, to=final, actor=actor, note="", on=signed_on)
    audit.record(actor=actor, action="govrequests.handover.completed", target=locked, data={"persons": len(handed_ids)})
    return locked


# --- Follow-ups to authorities and the disclosure record ------------------------------------------

SEND_FOLLOWUP_PERMISSION = "govrequests.send_followup"


def _close_followup(followup: AuthorityFollowUp, *, status: str, actor: Any) -> None:
    followup.status = status
    followup.closed_at = timezone.now()
    followup.closed_by = actor
    followup.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])


@transaction.atomic
def followup_draft_for(*, authority: GovernmentAuthority, organisation_id: int, actor: Any) -> AuthorityFollowUp | None:
    """Create, or refresh, the one open follow-up draft to `authority` listing all the organisation's pending persons.

    Returns None (and discards an open draft) when nobody is pending with the authority any more.
    Used by caseworkers from the request page; the reminder sweep drafts many at once
    (`followup_drafts_refresh_many`, which holds the logic).
    """
    draft = followup_drafts_refresh_many(pairs=[(organisation_id, authority.pk)], actor=actor)[
        (organisation_id, authority.pk)
    ]
    if draft is not None:
        draft.authority = authority
    return draft


def _pair_of(followup: AuthorityFollowUp) -> tuple[int, int]:
    return (followup.organisation_id, followup.authority_id)


@transaction.atomic
def followup_drafts_refresh_many(
    *, pairs: Iterable[tuple[int, int]], actor: Any
) -> dict[tuple[int, int], AuthorityFollowUp | None]:
    """Create, or refresh, the open follow-up draft of each (organisation id, authority id) pair; the drafts by pair.

    For each pair, the same as `followup_draft_for`: the draft lists exactly the organisation's
    persons pending with the authority; an open draft with nobody pending any more is discarded
    (None for that pair). Used by the reminder sweep (as the system actor) for every unanswering
    authority at once, in a constant number of queries: authorities locked, pending rows, open
    drafts locked, their items, the scope check, then one write each for the discarded drafts,
    the new drafts, the refreshed drafts, the items removed, the items added and each kind of audit event.
    All or nothing: PermissionDenied if the actor may not draft any one of them.
    """
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    if not actor.is_superuser and any(organisation_id != actor.organisation_id for organisation_id, _a in pairs):
        raise PermissionDenied
    authority_ids = sorted({authority_id for _o, authority_id in pairs})
    # Serialises drafting for these authorities: two refreshes never create two open drafts (the
    # constraint `followup_one_open_per_authority` would refuse the second anyway). Locked in pk
    # order, so two sweeps (or a sweep and a caseworker's refresh, which locks one) cannot deadlock.
    locked = list(
        GovernmentAuthority.objects.select_for_update()
        .filter(pk__in=authority_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(locked) != len(authority_ids):
        raise GovernmentAuthority.DoesNotExist
    pending: dict[tuple[int, int], dict[int, int]] = {pair: {} for pair in pairs}
    rows = selectors.followup_pending_rows_of(pairs=pairs).values_list(
        "pk", "person_id", "request__organisation_id", "request__authority_id"
    )
    for row_id, person_id, organisation_id, authority_id in rows:
        pending[(organisation_id, authority_id)][row_id] = person_id
    drafts = {
        (draft.organisation_id, draft.authority_id): draft
        for draft in AuthorityFollowUp.objects.select_for_update()
        .filter(selectors.organisation_authority_q(pairs), status=FollowUpStatus.OPEN)
        .order_by("pk")
    }
    # The items listed now, by draft: {requested person row: (item, person)}.
    listed: dict[int, dict[int, tuple[int, int]]] = {draft.pk: {} for draft in drafts.values()}
    items = FollowUpItem.objects.filter(followup_id__in=list(listed)).values_list(
        "pk", "followup_id", "requested_person_id", "requested_person__person_id"
    )
    for item_id, followup_id, row_id, person_id in items:
        listed[followup_id][row_id] = (item_id, person_id)
    # Refreshing rewrites (or discards) the letter about every person it lists and will list: like
    # sending, it needs an actor who sees all of them.
    touched = {person_id for rows_of_pair in pending.values() for person_id in rows_of_pair.values()}
    touched |= {person_id for rows_of_draft in listed.values() for _item, person_id in rows_of_draft.values()}
    if not selectors.persons_all_visible(user=actor, person_ids=touched):
        raise PermissionDenied

    now = timezone.now()
    result: dict[tuple[int, int], AuthorityFollowUp | None] = {}
    emptied: list[AuthorityFollowUp] = []
    refreshed: list[AuthorityFollowUp] = []
    created: list[AuthorityFollowUp] = []
    for pair in pairs:
        draft = drafts.get(pair)
        if not pending[pair]:
            if draft is not None:
                draft.status = FollowUpStatus.DISCARDED
                draft.closed_at = draft.updated_at = now
                draft.closed_by = actor
                emptied.append(draft)
            result[pair] = None
        elif draft is None:
            draft = AuthorityFollowUp(organisation_id=pair[0], authority_id=pair[1], refreshed_at=now)
            created.append(draft)
            result[pair] = draft
        else:
            draft.refreshed_at = draft.updated_at = now
            refreshed.append(draft)
            result[pair] = draft
    if emptied:
        AuthorityFollowUp.objects.filter(pk__in=[draft.pk for draft in emptied]).update(
            status=FollowUpStatus.DISCARDED, closed_at=now, closed_by=actor, updated_at=now
        )
    if refreshed:
        AuthorityFollowUp.objects.filter(pk__in=[draft.pk for draft in refreshed]).update(
            refreshed_at=now, updated_at=now
        )
    AuthorityFollowUp.objects.bulk_create(created)
    stale: list[int] = []
    new_items: list[FollowUpItem] = []
    for draft in [*refreshed, *created]:
        rows_of_pair = pending[_pair_of(draft)]
        listed_now = listed.get(draft.pk, {})
        stale.extend(item_id for row_id, (item_id, _p) in listed_now.items() if row_id not in rows_of_pair)
        new_items.extend(
            FollowUpItem(followup=draft, requested_person_id=row_id)
            for row_id in sorted(rows_of_pair.keys() - listed_now.keys())
        )
    if stale:
        FollowUpItem.objects.filter(pk__in=stale).delete()
    FollowUpItem.objects.bulk_create(new_items)
    for action, written in (
        ("govrequests.followup.emptied", [(draft, {}) for draft in emptied]),
        ("govrequests.followup.drafted", [(draft, {"rows": len(pending[_pair_of(draft)])}) for draft in created]),
        ("govrequests.followup.refreshed", [(draft, {"rows": len(pending[_pair_of(draft)])}) for draft in refreshed]),
    ):
        if written:
            audit.record_many(actor=actor, action=action, targets=written)
    return result


def _lock_visible_followup(followup: AuthorityFollowUp, actor: Any) -> AuthorityFollowUp:
    if not actor.has_perm(SEND_FOLLOWUP_PERMISSION):
        raise PermissionDenied
    if not AuthorityFollowUp.objects.visible_to(actor).filter(pk=followup.pk).exists():
        raise PermissionDenied
    # Same lock order as drafting (the authority, then its draft), so that a send or a discard and a
    # sweep's refresh of the same draft wait for each other instead of deadlocking.
    GovernmentAuthority.objects.select_for_update().only("pk").get(pk=followup.authority_id)
    return (
        AuthorityFollowUp.objects.select_for_update(of=("self",))
        .select_related("authority", "organisation")
        .get(pk=followup.pk)
    )


def _followup_person_ids(followup: AuthorityFollowUp) -> set[int]:
    return set(followup.items.values_list("requested_person__person_id", flat=True))


@transaction.atomic
def followup_discard(*, followup: AuthorityFollowUp, actor: Any) -> AuthorityFollowUp:
    """Drop an open draft without sending it."""
    locked = _lock_visible_followup(followup, actor)
    if locked.status != FollowUpStatus.OPEN:
        raise DomainError(_("This follow-up was already sent or discarded."))
    # Like sending, discarding acts on every person in the draft: the actor must see all of them.
    if not selectors.persons_all_visible(user=actor, person_ids=_followup_person_ids(locked)):
        raise PermissionDenied
    _close_followup(locked, status=FollowUpStatus.DISCARDED, actor=actor)
    audit.record(actor=actor, action="govrequests.followup.discarded", target=locked, data={})
    return locked


@transaction.atomic(durable=True)
def followup_send(
    *, followup: AuthorityFollowUp, actor: Any, reviewed_digest: str, today: date | None = None
) -> tuple[Disclosure, bool]:
    """Send a reviewed follow-up draft to its authority and record the disclosure; (disclosure, sent now).

    In one transaction: the e-mail (an OutboundMessage keyed on the draft, delivered after commit),
    the disclosure record (who, when, to which address, which persons, which fields), a follow-up
    event on each request covered, and the draft marked sent. A second call for a sent draft (a
    double click, a retry) returns its disclosure and sends nothing. Refused unless the sender sees
    every person in the draft, the draft still lists exactly the pending persons, and the letter is
    still the one reviewed (`reviewed_digest`).
    """
    locked = _lock_visible_followup(followup, actor)
    if locked.status == FollowUpStatus.SENT:
        return locked.disclosure, False
    if locked.status != FollowUpStatus.OPEN:
        raise DomainError(_("This follow-up was discarded."))
    rows = list(
        locked.items.values_list(
            "requested_person_id", "requested_person__person_id", "requested_person__request__reference"
        )
    )
    person_ids = {person_id for _row, person_id, _reference in rows}
    # Disclosing a person is acting on their case: the sender must see every one of them.
    if not selectors.persons_all_visible(user=actor, person_ids=person_ids):
        raise PermissionDenied
    pending = set(
        selectors.followup_pending_rows(
            organisation_id=locked.organisation_id, authority_id=locked.authority_id
        ).values_list("pk", flat=True)
    )
    if pending != {row_id for row_id, _person, _reference in rows}:
        raise DomainError(_("The persons pending with this authority have changed: refresh the draft and review it."))
    authority = locked.authority
    if not authority.email:
        raise DomainError(_("This authority has no e-mail address: add one before sending."))
    day = today or timezone.localdate()
    letter = selectors.followup_letter(followup=locked, today=day)
    if selectors.followup_render(letter).digest != reviewed_digest:
        raise DomainError(_("The letter has changed since you reviewed it: review it again before sending."))
    disclosure = Disclosure.objects.create(
        organisation_id=locked.organisation_id,
        authority=authority,
        followup=locked,
        disclosed_at=timezone.now(),
        disclosed_by=actor,
        channel=Channel.EMAIL,
        authority_name=authority.name,
        to_email=authority.email,
        language=letter.language,
        fields=letter.fields,
        basis=letter.basis,
    )
    disclosure.requests.set(letter.request_ids)
    DisclosedPerson.objects.bulk_create(
        [
            DisclosedPerson(
                disclosure=disclosure,
                person_id=person_id,
                case_number=entry["case_number"],
                request_references=sorted(ref for _row, pid, ref in rows if pid == person_id),
            )
            for person_id, entry in zip(letter.person_ids, letter.persons, strict=True)
        ]
    )
    note = _("Follow-up sent to %(authority)s about %(count)s pending persons.") % {
        "authority": authority.name,
        "count": len(person_ids),
    }
    for gov_request in GovernmentRequest.objects.filter(pk__in=letter.request_ids).order_by("pk"):
        event = RequestEvent(
            request=gov_request, kind=EventKind.FOLLOW_UP, occurred_on=day, description=note, created_by=actor
        )
        event._history_user = actor
        event.save()
    _close_followup(locked, status=FollowUpStatus.SENT, actor=actor)
    audit.record(
        actor=actor,
        action="govrequests.followup.sent",
        target=locked,
        data={
            "disclosure": str(disclosure.public_id),
            "persons": len(person_ids),
            "requests": len(letter.request_ids),
            "fields": letter.fields,
        },
    )
    # Recorded now, delivered after commit (a broker outage leaves it queued for the stale-message requeue).
    message, _created = outbound_message_create(
        idempotency_key=f"followup:{locked.pk}",
        organisation_id=locked.organisation_id,
        recipient=None,
        template=letter.template,
        context=letter.context,
        context_ids={"followup": locked.pk, "disclosure": disclosure.pk, "requests": letter.request_ids},
        to_email=authority.email,
        language=letter.language,
    )
    disclosure.outbound_message = message
    disclosure.save(update_fields=["outbound_message"])
    return disclosure, True


@transaction.atomic
def gov_request_remove_person(*, gov_request: GovernmentRequest, person: Person, actor: Any) -> GovernmentRequest:
    """Take a person off a draft request; recorded in the row's history and the audit log.

    Refused once the request was sent: what the State received stays as it was.
    """
    locked = _lock_visible_request(gov_request, actor)
    if locked.status != RequestStatus.DRAFT:
        raise DomainError(_("Persons can only be removed while the request is a draft."))
    _check_persons([person], organisation_id=locked.organisation_id, actor=actor)
    row = locked.covered.select_for_update().filter(person_id=person.pk).first()
    if row is None:
        raise DomainError(_("Case %(case)s is not covered by this request.") % {"case": person.case_number})
    row._history_user = actor
    row.delete()
    audit.record(
        actor=actor,
        action="govrequests.request.person_removed",
        target=locked,
        data={"person": str(person.public_id)},
    )
    return locked


@transaction.atomic
def handover_cancel(*, operation: HandoverOperation, reason: str, actor: Any) -> HandoverOperation:
    """Cancel a planned handover (the delegation did not come, the crossing was closed…), with the reason.

    The reason is added to the operation's notes, dated. The request keeps its status: another
    operation can be planned for it.
    """
    locked = _lock_whole_operation(operation, actor)
    if locked.status != HandoverStatus.PLANNED:
        raise DomainError(_("Only a planned handover can be cancelled."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling the handover."))
    locked.status = HandoverStatus.CANCELLED
    locked.notes = f"{locked.notes}\n{timezone.localdate().isoformat()}: {reason}".strip()
    locked._history_user = actor
    locked._change_reason = reason[:100]
    locked.save()
    audit.record(
        actor=actor,
        action="govrequests.handover.cancelled",
        target=locked,
        data={"from": HandoverStatus.PLANNED, "to": HandoverStatus.CANCELLED},
    )
    return locked

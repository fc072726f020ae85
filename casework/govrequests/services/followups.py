"""Follow-ups to authorities and the disclosure record: draft, refresh, discard, send."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import save_with_history
from casework.govrequests import selectors
from casework.govrequests.choices import Channel, EventKind, FollowUpStatus
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    FollowUpItem,
    GovernmentAuthority,
    GovernmentRequest,
    RequestEvent,
)
from casework.outbox.services import outbound_message_create
from casework.people.models import Person

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
    # Locked until the disclosure is recorded: a merge under way makes this wait, and its tombstone is then
    # refused below instead of being named in the disclosure after the merge moved the person's rows.
    live = Person.objects.live().select_for_update(of=("self",)).filter(pk__in=person_ids).order_by("pk")
    if len(live.values_list("pk", flat=True)) != len(person_ids):
        raise DomainError(_("The persons pending with this authority have changed: refresh the draft and review it."))
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
        save_with_history(event, actor)
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

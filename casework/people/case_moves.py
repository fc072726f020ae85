"""Case status moves: the one write behind a manual move and an automatic one.

A *manual* move is a caseworker's (`services.person_transition`, with the case-move permission).
An *automatic* move is caused by another record (a State's decision on a request, a handover,
an arrival): `persons_follow` moves each case through the same transition table
(`Person.TRANSITIONS`) and guards (`Person.transition_blocker`), and records the cause on the
status change so that the timeline links to it. The permission is the causing action's (e.g.
recording a decision), checked by its service; a case the table or a guard does not allow is left
as it is, and the refusal comes back with its reason for the user. A handover also ends the
persons' custody in the camp (`custody_close_many`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.history import save_with_history
from casework.core.signals import records_changed_send
from casework.people.choices import CaseStatus
from casework.people.models import CustodyPeriod, Person, PersonStatusChange


@dataclass(frozen=True)
class CaseMoveRefused:
    """An automatic move the transition table or a guard refused: the case stays where it is."""

    case_number: str
    current: str
    requested: str
    reason: str

    def __str__(self) -> str:
        return _("Case %(case)s stays “%(current)s” (not moved to “%(requested)s”): %(reason)s") % {
            "case": self.case_number,
            "current": CaseStatus(self.current).label,
            "requested": CaseStatus(self.requested).label,
            "reason": self.reason,
        }


def record_status_move(
    locked: Person,
    *,
    to: str,
    actor: Any,
    note: str = "",
    closure_reason: str = "",
    cause: models.Model | None = None,
) -> None:
    """Write an allowed move of a locked case: the status, its history row, the status change, the audit event."""
    old = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.closure_reason = closure_reason if to == CaseStatus.CLOSED else ""
    save_with_history(
        locked, actor, reason=note, update_fields=["status", "status_changed_at", "closure_reason", "updated_at"]
    )
    PersonStatusChange.objects.create(
        person=locked,
        old_status=old,
        new_status=to,
        actor=actor,
        note=note,
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
    )
    data: dict[str, Any] = {"from": old, "to": to}
    if cause is not None:
        data["cause"] = f"{cause._meta.label_lower}:{cause.pk}"
    audit.record(actor=actor, action="people.person.status_changed", target=locked, data=data)
    records_changed_send(person_ids=[locked.pk])


def move_refusal(person: Person, to: str) -> str:
    """Why `person` cannot move to `to` by the transition table or a guard, or ""."""
    if not person.can_transition_to(to):
        return _("this move is not allowed from “%(current)s”.") % {"current": CaseStatus(person.status).label}
    return person.transition_blocker(to)


def persons_follow(
    *,
    person_ids: Iterable[int],
    to: str,
    actor: Any,
    cause: models.Model,
    note: str = "",
    from_statuses: Iterable[str] | None = None,
) -> list[CaseMoveRefused]:
    """Move each case to `to` because of `cause`; the refusals, with their reasons.

    Cases already at `to` are left alone, and so are those not in `from_statuses` when it is
    given (e.g. a sent request moves only cases ready for a request). The caller holds the
    transaction and has checked the causing action's permission. Cases are locked in id order.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return []
    wanted = frozenset(from_statuses) if from_statuses is not None else None
    refusals = []
    for person in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if person.status == to or (wanted is not None and person.status not in wanted):
            continue
        reason = move_refusal(person, to)
        if reason:
            refusals.append(CaseMoveRefused(person.case_number, person.status, to, reason))
            continue
        record_status_move(person, to=to, actor=actor, note=note, cause=cause)
    return refusals


def custody_close_many(*, person_ids: list[int], on: date, reason: str, actor: Any) -> list[str]:
    """End the open custody period of each person on `on` with `reason` (e.g. handed to a State's delegation).

    The caller holds the transaction and has checked its own permission (the handover). Returns
    the case numbers whose period began after `on` (left open: the caller refuses the whole change).
    """
    periods = list(
        CustodyPeriod.objects.select_for_update()
        .filter(person_id__in=person_ids, end_date__isnull=True)
        .select_related("person")
        .order_by("person_id")
    )
    late = [period.person.case_number for period in periods if period.start_date > on]
    if late:
        return late
    for period in periods:
        period.end_date = on
        period.end_reason = reason
        save_with_history(period, actor, update_fields=["end_date", "end_reason", "updated_at"])
    if periods:
        audit.record_many(
            actor=actor,
            action="people.custody.closed",
            targets=[(period.person, {"on": on.isoformat(), "reason": reason}) for period in periods],
        )
    return []

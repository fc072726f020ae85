"""Reminders close themselves: resolve at once those whose condition stopped holding.

Called in the transaction of the change (through `casework.core.signals.records_changed`, which
the services of the lower apps send with the ids they changed) and by the sweep for every open
reminder before it raises new ones. The conditions are in `casework.reminders.holding`.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.core import audit
from casework.reminders.choices import ReminderStatus
from casework.reminders.holding import reminders_no_longer_holding
from casework.reminders.models import Reminder


def reminders_recheck(reminders: QuerySet[Reminder]) -> int:
    """Resolve the unresolved reminders among `reminders` that no longer hold, each with its reason; how many."""
    resolved = reminders_no_longer_holding(reminders.open())
    if not resolved:
        return 0
    now = timezone.now()
    rows = list(Reminder.objects.select_for_update().filter(pk__in=sorted(resolved)).open().order_by("pk"))
    for reminder in rows:
        reminder.status = ReminderStatus.RESOLVED
        reminder.snoozed_until = None
        reminder.acted_by = None
        reminder.acted_at = now
        reminder.reason = resolved[reminder.pk]
        reminder.updated_at = now
    Reminder.objects.bulk_update(rows, ["status", "snoozed_until", "acted_by", "acted_at", "reason", "updated_at"])
    audit.record_many(
        actor=None,
        action="reminders.reminder.resolved",
        targets=[(reminder, {"kind": reminder.kind, "reason": reminder.reason}) for reminder in rows],
    )
    return len(rows)


def reminders_recheck_for(*, person_ids: Iterable[int] = (), gov_request_ids: Iterable[int] = ()) -> int:
    """Re-evaluate the open reminders about these persons or requests (the change just made)."""
    person_ids, gov_request_ids = sorted(set(person_ids)), sorted(set(gov_request_ids))
    if not person_ids and not gov_request_ids:
        return 0
    about = Reminder.objects.filter(Q(person_id__in=person_ids) | Q(gov_request_id__in=gov_request_ids))
    # Most changes concern records without an open reminder: one query, then nothing to check.
    if not about.open().exists():
        return 0
    return reminders_recheck(about)


def on_records_changed(*, person_ids: Iterable[int], gov_request_ids: Iterable[int], **_kwargs: Any) -> None:
    """Receiver of `casework.core.signals.records_changed` (connected in `RemindersConfig.ready`)."""
    reminders_recheck_for(person_ids=person_ids, gov_request_ids=gov_request_ids)

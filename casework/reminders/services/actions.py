"""Acting on a reminder: acknowledge it (seen, being handled), snooze it to a date, dismiss it with a
reason, or mark it done; each is checked against the reminder's transitions and recorded on the row
and in the audit log.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.reminders.choices import ReminderStatus
from casework.reminders.models import Reminder


def _lock_visible_reminder(reminder: Reminder, actor: Any) -> Reminder:
    """The reminder's row, locked, or PermissionDenied if the actor cannot see it."""
    if not Reminder.objects.visible_to(actor).filter(pk=reminder.pk).exists():
        raise PermissionDenied
    return Reminder.objects.select_for_update().get(pk=reminder.pk)


def _act(reminder: Reminder, *, to: str, actor: Any, reason: str = "", snoozed_until: date | None = None) -> Reminder:
    locked = _lock_visible_reminder(reminder, actor)
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=ReminderStatus)
    old = locked.status
    locked.status = to
    locked.snoozed_until = snoozed_until
    locked.acted_by = actor
    locked.acted_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["status", "snoozed_until", "acted_by", "acted_at", "reason", "updated_at"])
    data: dict[str, Any] = {"from": old, "to": to}
    if snoozed_until:
        data["until"] = snoozed_until.isoformat()
    audit.record(actor=actor, action=f"reminders.reminder.{to}", target=locked, data=data)
    return locked


@transaction.atomic
def reminder_acknowledge(*, reminder: Reminder, actor: Any) -> Reminder:
    """Mark a reminder as seen and being handled."""
    return _act(reminder, to=ReminderStatus.ACKNOWLEDGED, actor=actor)


@transaction.atomic
def reminder_snooze(
    *, reminder: Reminder, until: date, actor: Any, reason: str = "", today: date | None = None
) -> Reminder:
    """Hide a reminder until `until` (a later day); it is due again on that day."""
    if until <= (today or timezone.localdate()):
        raise DomainError(_("Snooze until a later day."))
    return _act(reminder, to=ReminderStatus.SNOOZED, actor=actor, reason=reason, snoozed_until=until)


@transaction.atomic
def reminder_dismiss(*, reminder: Reminder, reason: str, actor: Any) -> Reminder:
    """Close a reminder that needs no action, saying why."""
    if not reason.strip():
        raise DomainError(_("Give a reason for dismissing this reminder."))
    return _act(reminder, to=ReminderStatus.DISMISSED, actor=actor, reason=reason.strip())


@transaction.atomic
def reminder_complete(*, reminder: Reminder, actor: Any, note: str = "") -> Reminder:
    """Close a reminder whose action was taken."""
    return _act(reminder, to=ReminderStatus.DONE, actor=actor, reason=note.strip())

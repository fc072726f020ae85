"""Writes of the reminders app, by seam: the sweep, acting on a reminder, the digest.

- `sweep`: `reminders_sweep` (raise what falls due, mark unanswered requests *no response*, draft
  follow-ups) and `system_actor`.
- `actions`: `reminder_acknowledge`, `reminder_snooze`, `reminder_dismiss`, `reminder_complete`.
- `digest`: `digest_build_for_user`.
- `recheck`: `reminders_recheck`, `reminders_recheck_for` (reminders close themselves).

E-mail itself (record, deliver, re-send) is `casework.outbox`; the weekly report is `casework.reports`.
"""

from casework.reminders.services.actions import (
    reminder_acknowledge,
    reminder_complete,
    reminder_dismiss,
    reminder_snooze,
)
from casework.reminders.services.digest import DIGEST_GROUP_LIMIT, DIGEST_TEMPLATE, digest_build_for_user
from casework.reminders.services.recheck import reminders_recheck, reminders_recheck_for
from casework.reminders.services.sweep import FOLLOWUP_KINDS, SweepResult, reminders_sweep, system_actor

__all__ = [
    "DIGEST_GROUP_LIMIT",
    "DIGEST_TEMPLATE",
    "FOLLOWUP_KINDS",
    "SweepResult",
    "digest_build_for_user",
    "reminder_acknowledge",
    "reminder_complete",
    "reminder_dismiss",
    "reminder_snooze",
    "reminders_recheck",
    "reminders_recheck_for",
    "reminders_sweep",
    "system_actor",
]

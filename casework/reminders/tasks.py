"""Periodic reminder tasks: the sweep and the digests. Arguments are ids (and ISO dates) only.

E-mail delivery is `casework.outbox.tasks`; the weekly report is `casework.reports.tasks`.
"""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.core.tasks import DATABASE_RETRY
from casework.reminders import selectors, services


@shared_task(**DATABASE_RETRY)  # safe: one transaction; a second run raises nothing new
def sweep_reminders() -> dict[str, int]:
    """Raise the reminders due today (local date); safe to run twice: the second run raises nothing."""
    result = services.reminders_sweep(today=timezone.localdate())
    return {
        **result.created,
        "marked_no_response": result.marked_no_response,
        "followups_drafted": result.followups_drafted,
        "resolved": result.resolved,
    }


@shared_task(**DATABASE_RETRY)  # safe: build_digest twice is one message
def email_daily_digests() -> int:
    """Beat, daily: fan out one `build_digest` per user who gets a digest today; returns how many."""
    today = timezone.localdate()
    user_ids = selectors.digest_recipient_ids(today=today)
    for user_id in user_ids:
        build_digest.delay(user_id, today.isoformat())
    return len(user_ids)


@shared_task(**DATABASE_RETRY)  # safe: the digest's key is unique; a retry finds or creates it once
def build_digest(user_id: int, iso_date: str) -> int | None:
    """Create (once) and enqueue the user's digest for the day; the message's id, or None if nothing is due."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    message = services.digest_build_for_user(user=user, today=date.fromisoformat(iso_date))
    return message.pk if message else None

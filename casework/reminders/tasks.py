"""Periodic reminder tasks and e-mail delivery. Arguments are ids (and ISO dates) only."""

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.reminders import services


@shared_task
def sweep_reminders() -> dict[str, int]:
    """Raise the reminders due today (local date); safe to run twice: the second run raises nothing."""
    result = services.reminders_sweep(today=timezone.localdate())
    return {
        **result.created,
        "marked_no_response": result.marked_no_response,
        "followups_drafted": result.followups_drafted,
    }


@shared_task(
    bind=True,
    # Connection errors reach it as services.MailNotSent, an SMTPException.
    autoretry_for=(SMTPException,),
    retry_backoff=True,
    # Read once when the worker imports this module; tests give their worker a small value.
    retry_backoff_max=getattr(settings, "CASEWORK_EMAIL_RETRY_BACKOFF_MAX", 600),
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def send_outbound_message(self, message_id: int) -> str:
    """Send one recorded e-mail at most once: claim it (queued → sending), send, mark sent.

    Run twice, or redelivered after a worker died, it finds the message no longer queued and does
    nothing: a message left in "sending" waits for an admin's re-send. On an SMTP error the message
    goes back to queued and the error propagates, so `autoretry_for` retries with backoff; the last
    retry marks it failed.
    """
    if not services.outbound_message_claim(message_id=message_id):
        return "skipped"
    final_attempt = self.request.retries >= self.max_retries
    message = services.outbound_message_deliver(message_id=message_id, final_attempt=final_attempt)
    return message.status


@shared_task
def requeue_stale_outbound_messages() -> int:
    """Beat, every 15 minutes: enqueue again the queued messages whose task was lost; returns how many."""
    message_ids = services.outbound_stale_queued_ids()
    for message_id in message_ids:
        send_outbound_message.delay(message_id)
    return len(message_ids)


@shared_task
def email_daily_digests() -> int:
    """Beat, daily: fan out one `build_digest` per user who gets a digest today; returns how many."""
    today = timezone.localdate()
    user_ids = services.digest_recipient_ids(today=today)
    for user_id in user_ids:
        build_digest.delay(user_id, today.isoformat())
    return len(user_ids)


@shared_task
def build_digest(user_id: int, iso_date: str) -> int | None:
    """Create (once) and enqueue the user's digest for the day; the message's id, or None if nothing is due."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    message = services.digest_build_for_user(user=user, today=date.fromisoformat(iso_date))
    return message.pk if message else None


@shared_task
def email_weekly_reports() -> int:
    """Beat, Mondays: fan out one `build_weekly_report` per organisation with supervisors; returns how many."""
    today = timezone.localdate()
    organisation_ids = services.weekly_report_organisation_ids()
    for organisation_id in organisation_ids:
        build_weekly_report.delay(organisation_id, today.isoformat())
    return len(organisation_ids)


@shared_task
def build_weekly_report(organisation_id: int, iso_date: str) -> list[int]:
    """Create (once per supervisor and ISO week) and enqueue the organisation's weekly report e-mails; their ids."""
    messages = services.weekly_report_build(organisation_id=organisation_id, today=date.fromisoformat(iso_date))
    return [message.pk for message in messages]

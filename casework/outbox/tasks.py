"""E-mail delivery tasks. Arguments are message ids only."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from casework.outbox import delivery, selectors


@shared_task(
    bind=True,
    # The name it had in the reminders app: messages queued before the upgrade are still delivered.
    name="casework.reminders.tasks.send_outbound_message",
    # Connection errors reach it as delivery.MailNotSent, an SMTPException.
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
    if not delivery.outbound_message_claim(message_id=message_id):
        return "skipped"
    final_attempt = self.request.retries >= self.max_retries
    message = delivery.outbound_message_deliver(message_id=message_id, final_attempt=final_attempt)
    return message.status


@shared_task
def requeue_stale_outbound_messages() -> int:
    """Beat, every 15 minutes: enqueue the queued messages whose task was lost or never enqueued; how many."""
    message_ids = selectors.outbound_stale_queued_ids()
    for message_id in message_ids:
        send_outbound_message.delay(message_id)
    return len(message_ids)

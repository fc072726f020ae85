"""Outbound e-mail: record, enqueue, claim, deliver, re-send.

*Outbound messages* are recorded, rendered in the recipient's language, before they are sent:
record-then-send. `outbound_message_create` creates one per `idempotency_key` and enqueues its
delivery after commit; the delivery task *claims* it (queued → sending, a conditional update),
sends it, and marks it sent. An SMTP error puts it back to queued for the task's retry, or to
failed after the last one. A message left in "sending" (the worker died between claiming and
marking) is never re-sent automatically: an admin re-sends it (`outbound_message_resend`).

Enqueueing happens after the commit that recorded the message, in one place
(`outbound_message_enqueue`): when the broker is down the message stays queued, the failure is
logged with the message's id only, and the beat task `requeue_stale_outbound_messages` enqueues it
again later. The caller's work (a follow-up letter's disclosure, a digest) is committed either way.
"""

import logging
import smtplib
from contextlib import suppress
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage
from casework.outbox.rendering import render_email

logger = logging.getLogger(__name__)

# Enqueue failures that mean "the broker is not reachable now": the stale-message requeue retries.
ENQUEUE_ERRORS: tuple[type[Exception], ...] = (BrokerError, OSError)


def outbound_message_enqueue(*, message_id: int) -> bool:
    """Enqueue the delivery of a recorded message; False (logged, id only) if the broker refused it.

    Never raises for a broker outage: the message stays queued and `requeue_stale_outbound_messages`
    enqueues it again once it is stale.
    """
    from casework.outbox.tasks import send_outbound_message

    try:
        send_outbound_message.delay(message_id)
    except ENQUEUE_ERRORS as exc:
        logger.warning(
            "outbound: message %s not enqueued (%s); the stale-message requeue will send it",
            message_id,
            exc.__class__.__name__,
        )
        return False
    return True


def outbound_message_enqueue_on_commit(*, message_id: int) -> None:
    """Enqueue the message's delivery once the current transaction commits (see `outbound_message_enqueue`)."""
    transaction.on_commit(partial(outbound_message_enqueue, message_id=message_id))


XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Errors that mean "not sent, try again later". SMTPException is an OSError; OSError also covers a
# refused or timed-out connection. Permanent refusals (5xx) are not retried (see `_smtp_code`).
TRANSIENT_MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


class MailNotSent(smtplib.SMTPException):
    """Raised instead of the mail error, whose text may carry the recipient's address (Celery logs it).

    An SMTPException, so the task's `autoretry_for=(SMTPException,)` retries it; its message is
    the error's class and SMTP code only, e.g. "SMTPDataError 451".
    """


@transaction.atomic
def outbound_message_create(
    *,
    idempotency_key: str,
    organisation_id: int,
    recipient: Any,
    template: str,
    context: dict[str, Any],
    context_ids: dict[str, Any],
    to_email: str = "",
    language: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "",
) -> tuple[OutboundMessage, bool]:
    """Record (rendered) and enqueue one e-mail; the existing one if `idempotency_key` was used before.

    `context` is for the templates only and is not stored; `context_ids` (ids only) is. Returns
    (message, created). Delivery is enqueued after commit, and only for a new message.
    `attachment` (bytes, named `attachment_name`) is stored with the message and sent with it.
    """
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    to_email = to_email or getattr(recipient, "email", "")
    if not to_email:
        raise ValueError("an outbound message needs a recipient address")
    language = language or getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    rendered = render_email(template=template, context=context, language=language)
    # get_or_create catches the IntegrityError of a concurrent insert with the same key.
    message, created = OutboundMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "organisation_id": organisation_id,
            "recipient": recipient,
            "to_email": to_email,
            "language": language,
            "template": template,
            "subject": rendered.subject,
            "context_ids": context_ids,
            "body_text": rendered.text,
            "body_html": rendered.html,
            "attachment": attachment,
            "attachment_name": attachment_name if attachment is not None else "",
        },
    )
    if created:
        outbound_message_enqueue_on_commit(message_id=message.pk)
    return message, created


def _move(message_id: int, *, from_status: str, **fields: Any) -> int:
    """Conditional update of a message in `from_status`; 1 if it moved, 0 if someone else moved it first.

    `update()` does not touch `auto_now` fields: `updated_at` is set here (stale-queue detection reads it).
    """
    now = timezone.now()
    return OutboundMessage.objects.filter(pk=message_id, status=from_status).update(updated_at=now, **fields)


def outbound_message_claim(*, message_id: int) -> bool:
    """Take a queued message for sending (queued → sending, committed); False if sent, failed or taken."""
    return (
        _move(message_id, from_status=OutboundStatus.QUEUED, status=OutboundStatus.SENDING, claimed_at=timezone.now())
        == 1
    )


def _smtp_code(exc: BaseException) -> int | None:
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _msg in exc.recipients.values()]
        code = max(codes) if codes else None
    return code if isinstance(code, int) else None


def _describe(exc: BaseException) -> str:
    """The error's class and SMTP code only: servers' texts often repeat the recipient's address."""
    code = _smtp_code(exc)
    return f"{exc.__class__.__name__} {code}" if code else exc.__class__.__name__


def _sender_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def outbound_message_deliver(*, message_id: int, final_attempt: bool = False) -> OutboundMessage:
    """Send a message claimed by `outbound_message_claim`, then mark it sent.

    On a transient error (SMTPException, connection error) it goes back to queued with one more
    attempt and `MailNotSent` is raised, for the caller's retry; on the `final_attempt`, or when
    the server refuses it for good (5xx), it is marked failed (and a 5xx is not re-raised).
    """
    message = OutboundMessage.objects.get(pk=message_id)
    if message.status != OutboundStatus.SENDING:
        raise DomainError(_("This message was not claimed for sending."))
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        # The same Message-ID on a re-send lets mail clients fold a duplicate away.
        headers={
            "Message-ID": f"<casework.outbound.{message.pk}@{_sender_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.attachment is not None:
        name = message.attachment_name or "attachment"
        mimetype = XLSX_MIME_TYPE if name.endswith(".xlsx") else "application/octet-stream"
        email.attach(name, bytes(message.attachment), mimetype)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        sent = connection.send_messages([email])
    except TRANSIENT_MAIL_ERRORS as exc:
        with suppress(Exception):
            connection.close()
        code = _smtp_code(exc)
        permanent = code is not None and code >= 500
        status = OutboundStatus.FAILED if (final_attempt or permanent) else OutboundStatus.QUEUED
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=status,
            attempts=F("attempts") + 1,
            last_error=_describe(exc)[:200],
            claimed_at=None,
        )
        logger.warning("outbound: message %s not sent (%s), now %s", message_id, _describe(exc), status)
        if permanent:
            message.refresh_from_db()
            return message
        raise MailNotSent(_describe(exc)) from None
    # Mark it before closing the connection: an error on QUIT must not make it look unsent.
    if sent:
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=OutboundStatus.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
        )
    else:
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=OutboundStatus.FAILED,
            attempts=F("attempts") + 1,
            last_error="not accepted by the backend",
        )
    with suppress(Exception):
        connection.close()
    message.refresh_from_db()
    return message


@transaction.atomic
def outbound_message_resend(*, message: OutboundMessage, actor: Any) -> OutboundMessage:
    """Queue a failed or stuck ("sending" past any task's time limit) message again, explicitly.

    A stuck message may have reached its recipient before the worker died: the admin confirms.
    """
    if not OutboundMessage.objects.visible_to(actor).filter(pk=message.pk).exists():
        raise PermissionDenied
    locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if not locked.can_resend():
        raise DomainError(_("Only a failed message, or one stuck in sending, can be re-sent."))
    old = locked.status
    locked.status = OutboundStatus.QUEUED
    locked.claimed_at = None
    locked.save(update_fields=["status", "claimed_at", "updated_at"])
    audit.record(actor=actor, action="outbox.outbound_message.resent", target=locked, data={"from": old})
    outbound_message_enqueue_on_commit(message_id=locked.pk)
    return locked

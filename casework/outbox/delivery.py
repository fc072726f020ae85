"""Delivery of a recorded e-mail: claim it (queued → sending), send it, mark it sent or failed.

The Celery task (`outbox.tasks.send_outbound_message`) calls these; they never enqueue anything, so
that the tasks module can import them while the services, which enqueue the task, import the tasks.
"""

import logging
import smtplib
from collections.abc import Sequence
from contextlib import suppress
from email.mime.image import MIMEImage
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core.exceptions import DomainError
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage

logger = logging.getLogger(__name__)

XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Errors that mean "not sent, try again later". SMTPException is an OSError; OSError also covers a
# refused or timed-out connection. Permanent refusals (5xx) are not retried (see `_smtp_code`).
TRANSIENT_MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


class MailNotSent(smtplib.SMTPException):
    """Raised instead of the mail error, whose text may carry the recipient's address (Celery logs it).

    An SMTPException, so the task's `autoretry_for=(SMTPException,)` retries it; its message is
    the error's class and SMTP code only, e.g. "SMTPDataError 451".
    """


class EmailWithInlineImages(EmailMultiAlternatives):
    """An e-mail whose HTML shows images sent with it: multipart/alternative of the text and a
    multipart/related of the HTML and its images (each with its Content-ID), so that a mail client
    shows them without fetching anything. Attachments (the XLSX) go around it, in multipart/mixed."""

    def __init__(self, *args: Any, inline_images: Sequence[tuple[str, bytes]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def _create_mime_attachment(self, content: Any, mimetype: str) -> Any:
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype != "text/html" or not self.inline_images:
            return part
        related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET)
        related.attach(part)
        for content_id, png in self.inline_images:
            image = MIMEImage(png, _subtype="png")
            image["Content-ID"] = f"<{content_id}>"
            image["Content-Disposition"] = f'inline; filename="{content_id.partition("@")[0]}.png"'
            related.attach(image)
        return related


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
    email = EmailWithInlineImages(
        inline_images=list(message.inline_images.values_list("content_id", "content")),
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

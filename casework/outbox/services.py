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
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.outbox.choices import OutboundStatus

# Delivery lives in `delivery` (the task calls it); these names stay importable from here.
from casework.outbox.delivery import XLSX_MIME_TYPE, MailNotSent, outbound_message_claim, outbound_message_deliver  # noqa: F401
from casework.outbox.models import OutboundInlineImage, OutboundMessage
from casework.outbox.rendering import render_email
from casework.outbox.tasks import send_outbound_message

logger = logging.getLogger(__name__)

# Enqueue failures that mean "the broker is not reachable now": the stale-message requeue retries.
ENQUEUE_ERRORS: tuple[type[Exception], ...] = (BrokerError, OSError)


def outbound_message_enqueue(*, message_id: int) -> bool:
    """Enqueue the delivery of a recorded message; False (logged, id only) if the broker refused it.

    Never raises for a broker outage: the message stays queued and `requeue_stale_outbound_messages`
    enqueues it again once it is stale.
    """
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
    inline_images: dict[str, bytes] | None = None,
) -> tuple[OutboundMessage, bool]:
    """Record (rendered) and enqueue one e-mail; the existing one if `idempotency_key` was used before.

    `context` is for the templates only and is not stored; `context_ids` (ids only) is. Returns
    (message, created). Delivery is enqueued after commit, and only for a new message.
    `attachment` (bytes, named `attachment_name`) is stored with the message and sent with it;
    `inline_images` ({content id: PNG bytes}) are stored and sent as parts the HTML shows by `cid:`.
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
        OutboundInlineImage.objects.bulk_create(
            OutboundInlineImage(message=message, content_id=cid, content=png)
            for cid, png in (inline_images or {}).items()
        )
        outbound_message_enqueue_on_commit(message_id=message.pk)
    return message, created


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

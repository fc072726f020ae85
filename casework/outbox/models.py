"""Outbound e-mail: one row per e-mail, recorded (and rendered) before it is sent.

An *outbound message*'s `idempotency_key` is unique, so the same e-mail is never created twice,
and its status moves queued → sending → sent (or failed) by conditional updates, so it is never
sent twice. Higher apps point at a message (a follow-up letter's `govrequests.Disclosure`); a
message points at nothing above `accounts`.
"""

from datetime import datetime, timedelta
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import TimeStampedModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import user_fk
from casework.outbox.choices import OutboundStatus


class OutboundMessageQuerySet(OrganisationScopedQuerySet):
    """Messages of the user's organisation (all for superusers); assigned-only users: those addressed to them."""

    def narrow_to_assigned(self, user: Any) -> Self:
        """The user's own e-mails: a message's body may name persons outside an assigned-only
        user's caseload (a follow-up letter lists every person of the organisation pending with an
        authority; a digest lists its recipient's cases)."""
        return self.filter(recipient_id=user.pk)

    def stuck(self, *, now: datetime | None = None) -> Self:
        """Claimed for sending longer ago than any task may run: the worker died (see `OutboundMessage.is_stuck`)."""
        return self.filter(status=OutboundStatus.SENDING, claimed_at__lt=(now or timezone.now()) - stuck_after())


def stuck_after() -> timedelta:
    """How long a message may stay "sending": the task time limit plus a margin; after it no worker can still hold it."""
    return timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 360) + 60)


class OutboundMessage(TimeStampedModel):
    """One e-mail, rendered when it is created, and what happened to it.

    Never personal data beyond the recipient's address: the subject is generic ("Casework: 3
    reminders due"), `context_ids` holds ids only, and the bodies carry case numbers, never names
    or L3 fields. The one exception is a follow-up letter to an authority (a `govrequests.Disclosure`
    points to it): its body carries the fields the organisation chose to disclose to it (never L3).
    """

    organisation = organisation_fk("outbound_messages")
    recipient = user_fk(_("recipient"), on_delete=models.SET_NULL, related_name="outbound_messages")
    to_email = models.EmailField(_("recipient e-mail"))
    language = models.CharField(_("language"), max_length=8)
    template = models.CharField(_("template"), max_length=60, help_text=_("Name under templates/email/."))
    subject = models.CharField(_("subject"), max_length=200)
    context_ids = models.JSONField(_("related objects (ids)"), default=dict, blank=True)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # One optional file sent with the e-mail (the weekly report's XLSX); never personal data.
    attachment = models.BinaryField(_("attachment"), null=True, blank=True, editable=False)
    attachment_name = models.CharField(_("attachment file name"), max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED, editable=False
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    last_error = models.CharField(_("last error"), max_length=200, blank=True, editable=False)
    # E.g. "digest:<user id>:<date>": the same e-mail is never created twice.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OutboundStatus.values), name="outbound_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=OutboundStatus.SENT) | Q(sent_at__isnull=False), name="outbound_sent_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_status_idx")]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.get_status_display()})"

    def is_stuck(self, *, now: datetime | None = None) -> bool:
        """Still "sending" after any task must have ended: the worker died between claiming and marking it."""
        return (
            self.status == OutboundStatus.SENDING
            and self.claimed_at is not None
            and self.claimed_at < (now or timezone.now()) - stuck_after()
        )

    def can_resend(self, *, now: datetime | None = None) -> bool:
        """Failed, or stuck in "sending": an admin may queue it again (explicitly, never automatically)."""
        return self.status == OutboundStatus.FAILED or self.is_stuck(now=now)


class OutboundInlineImage(models.Model):
    """An image shown inside a message's HTML body (`<img src="cid:...">`), sent in its multipart/related part.

    The weekly report's charts: aggregates drawn without words or personal data.
    """

    message = models.ForeignKey(
        OutboundMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="inline_images"
    )
    content_id = models.CharField(_("content id"), max_length=100, help_text=_("What the HTML refers to after cid:."))
    content = models.BinaryField(_("PNG image"))

    class Meta:
        verbose_name = _("inline image")
        verbose_name_plural = _("inline images")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "content_id"], name="outbound_inline_image_unique"),
        ]

    def __str__(self) -> str:
        return self.content_id

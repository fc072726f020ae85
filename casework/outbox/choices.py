"""Choices of the outbox app: where an outbound e-mail is."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundStatus(models.TextChoices):
    """Where an outbound e-mail is: queued → sending → sent, or failed after its last attempt."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")

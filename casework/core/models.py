"""Abstract bases shared by every app, the audit log and the worker heartbeat."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.querysets import OrganisationScopedQuerySet


class TimeStampedModel(models.Model):
    """Creation and last-change times; every model that appears in a URL also has a public_id."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A record addressed from outside by an opaque UUID, never by its integer key.

    `SENSITIVE_FIELDS` names the highly sensitive (L3) fields of the model: they are shown only to
    users with `accounts.view_sensitive_data`, and each reading of them is recorded.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only record of who did or read what. Never edited, never deleted by the app."""

    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The id of the organisation whose data was touched, so that supervisors see only their own audit
    # trail. A plain id, not a foreign key: core sits below accounts, and the trail outlives what it names.
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    # Supervisors and auditors see their organisation's events only.
    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_id}"


class WorkerHeartbeat(models.Model):
    """One row per worker host, touched by a periodic task: shows operators that beat and a worker run."""

    worker = models.CharField(max_length=200, unique=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class KeyRotationCheckpoint(models.Model):
    """How far `rotate_field_keys` got in one table: a rerun after an interruption starts after `last_pk`."""

    model_label = models.CharField(max_length=200, unique=True)
    last_pk = models.CharField(max_length=64, blank=True)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("key rotation checkpoint")
        verbose_name_plural = _("key rotation checkpoints")

    def __str__(self) -> str:
        return f"{self.model_label} {self.last_pk}"

"""Abstract bases shared by every app (time stamps, public ids, append-only rows, status histories), the audit
log and the worker heartbeat."""

import uuid
from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import user_fk


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


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(OrganisationScopedQuerySet):
    """Rows that are written once and never changed or deleted through the ORM (PostgreSQL also has a
    trigger refusing it, see migration core 0005)."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")

    def delete(self) -> tuple[int, dict]:
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once; saving an existing row or deleting one raises."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict]:
        raise AppendOnlyError(f"{self._meta.label} is append-only.")


class StatusChangeModel(models.Model):
    """Append-only history of a status: who moved it, when, from what, to what, and why.

    A concrete history names its record (a ForeignKey, related_name "status_changes") and declares
    `old_status` and `new_status` with the choices of that record's status.
    """

    actor = user_fk(_("actor"), blank=False)
    note = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"


class AuditEvent(AppendOnlyModel):
    """Append-only record of who did or read what. Never edited, never deleted by the app."""

    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = user_fk(_("actor"))
    # The id of the organisation whose data was touched, so that supervisors see only their own audit
    # trail. A plain id, not a foreign key: core sits below accounts, and the trail outlives what it names.
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    # Supervisors and auditors see their organisation's events only.
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_id}"


class WorkerHeartbeat(models.Model):
    """One row per Celery process host and role: shows operators (and /health/) that a worker and beat run.

    A worker's row is touched by a periodic task (so it also proves that beat sends and the broker carries);
    beat's row is touched by beat itself on its ticks (`casework.core.beat.HeartbeatScheduler`), so that the
    health endpoint can tell a dead beat from a dead worker.
    """

    class Role(models.TextChoices):
        WORKER = "worker", _("worker")
        BEAT = "beat", _("beat")

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.WORKER)
    last_seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class KeyRotationCheckpoint(models.Model):
    """How far `rotate_field_keys` got in one table: a rerun after an interruption starts after `last_pk`."""

    model_label = models.CharField(_("model"), max_length=200, unique=True)
    last_pk = models.CharField(_("last primary key"), max_length=64, blank=True)
    finished = models.BooleanField(_("finished"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("key rotation checkpoint")
        verbose_name_plural = _("key rotation checkpoints")

    def __str__(self) -> str:
        return f"{self.model_label} {self.last_pk}"


class AccessEventQuerySet(AppendOnlyQuerySet):
    def for_person(self, person_id: int) -> "AccessEventQuerySet":
        return self.filter(person_id=person_id)


class AccessEvent(AppendOnlyModel):
    """The read log: one row per person shown to a user on one page (or one row for a page that showed none).

    Written by `core.access` in one insert per request; never changed or deleted (a database trigger
    refuses it on PostgreSQL, the model everywhere). Search terms are never stored, only a keyed hash of them.
    """

    class Kind(models.TextChoices):
        PERSON_PAGE = "person_page", _("Person page")
        LIST = "list", _("List")
        SEARCH = "search", _("Search")
        EXPORT = "export", _("Export")
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document copy")
        ADMIN_CHANGE = "admin_change", _("Admin change page")
        SENSITIVE_FILTER = "sensitive_filter", _("Filter on a highly sensitive field")

    class Purpose(models.TextChoices):
        """Why, where a page asks before showing highly sensitive data (an export with L3 columns)."""

        CASEWORK = "casework", _("Work on these cases")
        REQUEST = "request", _("A request to a government")
        REFERRAL = "referral", _("A medical or child-protection referral")
        SUPERVISION = "supervision", _("Supervision or quality review")
        AUDIT = "audit", _("Audit or investigation")

    at = models.DateTimeField(_("at"), db_index=True)
    user = user_fk(_("user"), required=True)
    # Plain ids, not foreign keys: core sits below accounts and people, and the log outlives what it names.
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True, db_index=True)
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    view = models.CharField(_("page"), max_length=100, blank=True)
    # Groups the rows written for one request.
    request_id = models.UUIDField(_("request"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    search_hash = models.CharField(_("search (keyed hash)"), max_length=64, blank=True)
    filters = models.JSONField(_("highly sensitive filters"), default=list, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person_id", "-at"], name="access_person_at_idx")]
        permissions = [("view_access_log", _("Can see who has seen a case"))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.person_id or ''}"

    @property
    def purpose_label(self) -> str:
        """The purpose in the reader's language (a code outside the list is shown as stored)."""
        return str(dict(self.Purpose.choices).get(self.purpose, self.purpose))

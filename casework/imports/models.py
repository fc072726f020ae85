"""Import batches (one uploaded file), their rows as checked by the dry run, external references, mappings."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.core.models import PublicModel, TimeStampedModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.imports.choices import BatchStatus, Decision, RowAction


class ImportFileStorage(FileSystemStorage):
    """Private storage of uploaded files under IMPORTS_FILE_ROOT (read when used), directories 0750, files 0640."""

    def __init__(self) -> None:
        super().__init__(directory_permissions_mode=0o750, file_permissions_mode=0o640)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.IMPORTS_FILE_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # never served by URL


def import_storage() -> FileSystemStorage:
    return ImportFileStorage()


def import_upload_to(instance: "ImportBatch", filename: str) -> str:
    # The stored name carries only the batch's opaque id: file names can carry personal data.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{instance.organisation_id}/{instance.public_id}.{extension}"


class ImportBatch(PublicModel):
    """One uploaded file and what was done with it: mapping, dry run, commit, undo."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), storage=import_storage, upload_to=import_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    # Re-imports of the same source update the persons it created, matched by external reference.
    source = models.CharField(_("source"), max_length=100)
    # "" = detected (CSV only): utf-8(-sig), cp1256 or cp1252/latin-1.
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    # Column header -> field key; value maps: field key -> {source value: our value}.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_maps = models.JSONField(_("value mappings"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.UPLOADED, db_index=True
    )
    cancel_requested = models.BooleanField(_("cancellation requested"), default=False)
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows_per_second = models.PositiveIntegerField(_("rows per second"), default=0)
    rows_total = models.PositiveIntegerField(_("total rows"), default=0)
    # Errors about the file as a whole (encoding, empty, zip bomb, columns): list of messages.
    file_errors = models.JSONField(_("file errors"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        permissions = [("run_import", _("Can import persons from spreadsheets"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=BatchStatus.values), name="import_status_valid")
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def get_absolute_url(self) -> str:
        return reverse("imports:batch_detail", args=[self.public_id])

    @property
    def history_reason(self) -> str:
        """The change reason of every history row the batch writes: ties each record to its batch."""
        return f"import {self.public_id}"


class ImportRow(models.Model):
    """One data row of the file as the dry run saw it, and what the commit did with it."""

    # No index of its own: the unique constraint's index (batch, number) starts with it. The dry run writes,
    # and the commit rewrites, every row: one index fewer to maintain each time.
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    number = models.PositiveIntegerField(_("row"))  # the row number as the spreadsheet shows it
    action = models.CharField(_("action"), max_length=20, choices=RowAction.choices)
    # Parsed values (JSON-safe), the cell errors [{column, message}], warnings, changes {field: [old, new]}.
    values = models.JSONField(_("values"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Possible duplicates: {"persons": [{"id", "case_number"}], "rows": [numbers]}.
    duplicates = models.JSONField(_("possible duplicates"), default=dict, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, blank=True, default=Decision.UNDECIDED
    )
    decision_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("chosen person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Filled by the commit: the person created or updated, its state before, the child records created.
    # The person is no database constraint (`db_constraint=False`): the commit sets it on every row it writes,
    # each a deferred check at COMMIT, for a person the dry run read or the commit just created or locked in
    # the same transaction. A person is deleted only through the ORM (undo, merge, retention), whose
    # collector sets this to NULL (`on_delete=SET_NULL`) with or without a constraint.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # What the commit did with the row: "create" or "update" ("" = nothing).
    committed_as = models.CharField(_("committed as"), max_length=10, blank=True)
    before = models.JSONField(_("values before the commit"), default=dict, blank=True)
    created_records = models.JSONField(_("created records"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"

    @property
    def needs_decision(self) -> bool:
        return bool(self.duplicates) and self.action in (RowAction.CREATE, RowAction.UPDATE)


class ExternalReference(TimeStampedModel):
    """The id a source (a partner's list, a camp register) gives a person: re-imports match on it."""

    # Written in bulk, one per imported row: the organisation (its person's, by construction) and the batch
    # (the one committing, locked in the same transaction) are no database constraints, two deferred checks
    # fewer per row at COMMIT (the ORM still emulates CASCADE and SET_NULL). No index on the organisation
    # alone: the unique constraint's index starts with it.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=100)
    reference = models.CharField(_("external reference"), max_length=100)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="external_references"
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("external reference")
        verbose_name_plural = _("external references")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source", "reference"], name="external_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.reference}"


class MappingTemplate(TimeStampedModel):
    """A saved column mapping (and value mappings) of an organisation, reused for the next file of a source."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_maps = models.JSONField(_("value mappings"), default=dict, blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mapping template")
        verbose_name_plural = _("mapping templates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="mapping_template_unique")]

    def __str__(self) -> str:
        return self.name

"""Upload, mapping, dry run and duplicate decisions of a batch, up to handing it to the worker for its commit."""

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.imports import checks, sql
from casework.imports.choices import MAPPABLE_STATUSES, BatchStatus, Decision, RowAction
from casework.imports.models import ImportBatch, ImportRow, MappingTemplate
from casework.imports.readers import check_upload, check_zip, extension_of
from casework.imports.services import bulk
from casework.imports.services.commit import check_committable
from casework.imports.services.common import hand_to_worker, lock_batch, require
from casework.people.models import Person


def batch_upload(*, upload: UploadedFile, actor: Any, source: str = "", encoding: str = "") -> ImportBatch:
    """Store an uploaded file privately as a new batch of the actor's organisation (refused files are not stored)."""
    require(actor)
    if not actor.organisation_id:
        raise DomainError(_("Only a member of an organisation can import into it."))
    head = upload.read(8)
    upload.seek(0)
    check_upload(file_name=upload.name or "", size=upload.size or 0, head=head)
    batch = ImportBatch(
        organisation_id=actor.organisation_id,
        created_by=actor,
        file_name=(upload.name or "")[:255],
        file_size=upload.size or 0,
        source=(source.strip() or Path(upload.name or "import").stem)[:100],
        encoding=encoding,
    )
    with transaction.atomic():
        batch.file.save(f"upload.{extension_of(upload.name or '')}", upload, save=False)
        try:
            if extension_of(batch.file_name) in ("xlsx", "ods"):
                check_zip(Path(batch.file.path))
        except DomainError:
            batch.file.delete(save=False)
            raise
        batch.save()
        audit.record(actor=actor, action="imports.batch.uploaded", target=batch, data={"size": batch.file_size})
    return batch


@transaction.atomic
def batch_set_mapping(
    *,
    batch: ImportBatch,
    actor: Any,
    sheet_name: str,
    header_row: int,
    mapping: dict[str, str],
    value_maps: dict[str, dict[str, str]],
    encoding: str = "",
) -> ImportBatch:
    """Choose the sheet, header row and column/value mappings; any earlier dry run is discarded."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status not in MAPPABLE_STATUSES:
        raise DomainError(_("This import can no longer be changed."))
    locked.sheet_name = sheet_name
    locked.header_row = header_row
    locked.mapping = {header: key for header, key in mapping.items() if key}
    locked.value_maps = {key: values for key, values in value_maps.items() if values}
    locked.encoding = encoding
    locked.status = BatchStatus.UPLOADED
    locked.progress_percent = 0
    locked.file_errors = []
    locked.save()
    locked.rows.all().delete()
    return locked


@transaction.atomic
def mapping_template_save(*, batch: ImportBatch, name: str, actor: Any) -> MappingTemplate:
    """Save the batch's mapping as the organisation's template `name` (replacing one of the same name)."""
    require(actor)
    template, _created = MappingTemplate.objects.update_or_create(
        organisation_id=batch.organisation_id,
        name=name.strip()[:100],
        defaults={"mapping": batch.mapping, "value_maps": batch.value_maps},
    )
    return template


# --- Dry run ----------------------------------------------------------------------------------------


@transaction.atomic
def batch_queue_dry_run(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Mark the batch as queued for its dry run; the task is sent once this commits."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status not in MAPPABLE_STATUSES:
        raise DomainError(_("A dry run is already running or the import is committed."))
    if not locked.file:
        raise DomainError(_("The uploaded file has been deleted: upload it again."))
    locked.status = BatchStatus.QUEUED
    locked.cancel_requested = False
    locked.progress_percent = 0
    locked.rows_per_second = 0
    locked.save(update_fields=["status", "cancel_requested", "progress_percent", "rows_per_second", "updated_at"])
    from casework.imports.tasks import check_import

    transaction.on_commit(lambda: check_import.delay(locked.pk))
    return locked


def batch_run_dry_run(*, batch_id: int) -> None:
    """Run the dry run of a queued batch (called by the task): check every row, store the rows and counts.

    Idempotent: only a batch in `queued` is claimed (a conditional update), so a second delivery does nothing.
    """
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.CHECKING, updated_at=timezone.now()
    )
    if not claimed:
        return
    batch = ImportBatch.objects.get(pk=batch_id)
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        elapsed = max(time.monotonic() - started, 0.001)
        if _report_progress(batch_id, min(99, int(done * 100 / max(total, 1))), int(done / elapsed), total):
            raise checks.Cancelled

    try:
        # The report is written in the language of the user who uploaded the file.
        with translation.override(batch.created_by.language or settings.LANGUAGE_CODE):
            result = checks.check_batch(batch, progress=progress)
    except checks.Cancelled:
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.CANCELLED, updated_at=timezone.now())
        return
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, file_errors=[_("The dry run failed unexpectedly; the team has been told.")]
        )
        raise
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if locked.cancel_requested:
            locked.status = BatchStatus.CANCELLED
            locked.save(update_fields=["status", "updated_at"])
            return
        locked.rows.all().delete()
        counts = _store_rows(locked, result)
        elapsed = max(time.monotonic() - started, 0.001)
        locked.counts = counts
        locked.file_errors = result.file_errors
        locked.rows_total = len(result.rows)
        locked.progress_percent = 100
        locked.rows_per_second = int(len(result.rows) / elapsed)
        locked.checked_at = timezone.now()
        if result.table is not None:
            locked.sheet_name = result.table.sheet
            if result.table.encoding:
                locked.encoding = result.table.encoding
        locked.status = BatchStatus.CHECKED if not result.file_errors else BatchStatus.FAILED
        locked.save()
    sql.refresh_statistics(ImportRow)


def _report_progress(batch_id: int, percent: int, rate: int, total: int) -> bool:
    """Store a dry run's progress and say whether its cancellation was asked for: one statement
    (UPDATE … RETURNING), as it runs every few hundred rows."""
    table = connection.ops.quote_name(ImportBatch._meta.db_table)
    with connection.cursor() as cursor:
        # The table name comes from the model (code, never input); every value is a parameter.
        cursor.execute(
            f"UPDATE {table} SET progress_percent = %s, rows_per_second = %s, rows_total = %s "  # noqa: S608  # nosec B608
            "WHERE id = %s RETURNING cancel_requested",
            [percent, rate, total, batch_id],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _store_rows(batch: ImportBatch, result: checks.CheckResult) -> dict[str, int]:
    """Write the checked rows, a chunk at a time as they were kept, with what the whole-file checks found
    (family-link errors, possible duplicates); their counts by action. Records, not model instances."""
    counts = {action: 0 for action in RowAction.values}
    counts["duplicates"] = 0
    records = bulk.Defaults(ImportRow, timezone.now())
    for chunk in result.rows.chunks():
        for row in chunk:
            row.errors.extend(result.link_errors.get(row.number, ()))
            if row.errors:
                row.action = RowAction.ERROR
            else:
                row.duplicates = result.duplicates.pop(row.number, None)
            counts[row.action] += 1
            counts["duplicates"] += bool(row.duplicates)
        _insert_rows(
            [
                records.new(
                    batch_id=batch.pk,
                    number=row.number,
                    action=row.action,
                    values=row.values,
                    errors=row.errors,
                    warnings=row.warnings,
                    changes=row.changes,
                    duplicates=row.duplicates.as_json() if row.duplicates else {},
                    person_id=row.person_id,
                )
                for row in chunk
            ]
        )
    return counts


def _insert_rows(records: list[dict[str, Any]]) -> None:
    """Insert `ImportRow` records: on PostgreSQL one COPY, the JSON columns as JSON text (each value
    serialised once, by the C encoder, rather than adapted field by field); elsewhere `bulk.insert`."""
    if not bulk.uses_copy():
        bulk.insert(ImportRow, records)
        return
    fields = [f for f in ImportRow._meta.concrete_fields if not f.primary_key]
    plan = [(f.attname, isinstance(f, models.JSONField)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for record in records:
            copy.write_row([dumps(record[name]) if is_json else record[name] for name, is_json in plan])


def batch_check_now(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Run the dry run in this process (the management command): no task, same checks and rows."""
    require(actor)
    with transaction.atomic():
        locked = lock_batch(batch, actor)
        if locked.status not in MAPPABLE_STATUSES:
            raise DomainError(_("A dry run is already running or the import is committed."))
        locked.status = BatchStatus.QUEUED
        locked.cancel_requested = False
        locked.save(update_fields=["status", "cancel_requested", "updated_at"])
    batch_run_dry_run(batch_id=batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


@transaction.atomic
def rows_decide_all(*, batch: ImportBatch, decision: str, actor: Any) -> int:
    """Settle every undecided duplicate of a batch as "new" or "skip" (operators' bulk imports)."""
    require(actor)
    locked = lock_batch(batch, actor)
    if decision not in (Decision.NEW, Decision.SKIP) or locked.status != BatchStatus.CHECKED:
        raise DomainError(_("Choose new person or skip."))
    return (
        locked.rows.exclude(duplicates={}).exclude(action=RowAction.ERROR).filter(decision="").update(decision=decision)
    )


@transaction.atomic
def batch_cancel(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Ask a queued or running dry run to stop (the task stops at its next progress report)."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status == BatchStatus.QUEUED:
        locked.status = BatchStatus.CANCELLED
    elif locked.status != BatchStatus.CHECKING:
        raise DomainError(_("Only a dry run in progress can be cancelled."))
    locked.cancel_requested = True
    locked.save(update_fields=["status", "cancel_requested", "updated_at"])
    return locked


@transaction.atomic
def row_decide(
    *, batch: ImportBatch, number: int, decision: str, actor: Any, person: Person | None = None
) -> ImportRow:
    """Settle a row with possible duplicates: a new person, the same as an existing person (update it), or skip."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status != BatchStatus.CHECKED:
        raise DomainError(_("Decisions can be taken only after the dry run and before the commit."))
    row = ImportRow.objects.select_for_update().filter(batch=locked, number=number).first()
    if row is None or not row.needs_decision:
        raise DomainError(_("This row has no possible duplicate to settle."))
    if decision not in (Decision.NEW, Decision.SAME, Decision.SKIP):
        raise DomainError(_("Choose new person, same person or skip."))
    if decision == Decision.SAME:
        candidates = {entry["id"] for entry in row.duplicates.get("persons", [])}
        if person is None or person.pk not in candidates or person.organisation_id != locked.organisation_id:
            raise DomainError(_("Choose one of the existing persons listed for this row."))
    row.decision = decision
    row.decision_person = person if decision == Decision.SAME else None
    row.save(update_fields=["decision", "decision_person"])
    return row


@transaction.atomic
def batch_queue_commit(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Hand a checked batch to the worker for its commit (refused now if rows still have errors or decisions)."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status != BatchStatus.CHECKED:
        raise DomainError(_("Only a checked import can be committed."))
    check_committable(locked)
    from casework.imports.tasks import commit_import

    return hand_to_worker(locked, BatchStatus.COMMITTING, commit_import, actor)

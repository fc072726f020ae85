"""Writes of the imports app: upload, mapping, dry run, duplicate decisions, commit and undo of a batch.

Terms: a *batch* is one uploaded file; the *dry run* checks every row and stores what it would do
(`ImportRow`); the *commit* writes exactly that in one transaction, through set-based equivalents of the
people services (same validation, django-simple-history rows naming the actor and the batch, one audit
event for the batch); *undo* removes what a batch created and restores what it updated.
"""

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.accounts.models import Organisation
from casework.camps.models import Facility, FacilitySection
from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import delete_with_history
from casework.imports import checks
from casework.imports.choices import MAPPABLE_STATUSES, BatchStatus, Decision, RowAction
from casework.imports.models import ExternalReference, ImportBatch, ImportRow, MappingTemplate
from casework.imports.readers import check_upload, check_zip, extension_of
from casework.people.choices import AliasKind, ClaimStatus, DocumentType, Relation, Script, TransferReason
from casework.people.models import (
    Alias,
    CustodyPeriod,
    FamilyLink,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
)
from casework.people.models.family import INVERSE_RELATION
from casework.people.services import custody_move

RUN_PERMISSION = "imports.run_import"
ROW_CHUNK = 2000


def _require(actor: Any) -> None:
    if not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied


def _lock_batch(batch: ImportBatch, actor: Any) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().visible_to(actor).filter(pk=batch.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


# --- Upload and mapping ----------------------------------------------------------------------------


def batch_upload(*, upload: UploadedFile, actor: Any, source: str = "", encoding: str = "") -> ImportBatch:
    """Store an uploaded file privately as a new batch of the actor's organisation (refused files are not stored)."""
    _require(actor)
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
    _require(actor)
    locked = _lock_batch(batch, actor)
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
    _require(actor)
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
    _require(actor)
    locked = _lock_batch(batch, actor)
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
        ImportBatch.objects.filter(pk=batch_id).update(
            progress_percent=min(99, int(done * 100 / max(total, 1))),
            rows_per_second=int(done / elapsed),
            rows_total=total,
        )
        if ImportBatch.objects.filter(pk=batch_id, cancel_requested=True).exists():
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
        # In chunks, so that the rows exist twice in memory (checked and to insert) only a chunk at a time.
        for start in range(0, len(result.rows), ROW_CHUNK):
            ImportRow.objects.bulk_create(
                [
                    ImportRow(
                        batch=locked,
                        number=row.number,
                        action=row.action,
                        values=row.values,
                        errors=row.errors,
                        warnings=row.warnings,
                        changes=row.changes,
                        duplicates=row.duplicates,
                        person_id=row.person_id,
                    )
                    for row in result.rows[start : start + ROW_CHUNK]
                ]
            )
        counts = {action: 0 for action in RowAction.values}
        for row in result.rows:
            counts[row.action] += 1
        counts["duplicates"] = sum(1 for row in result.rows if row.duplicates and row.action != RowAction.ERROR)
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


def batch_check_now(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Run the dry run in this process (the management command): no task, same checks and rows."""
    _require(actor)
    with transaction.atomic():
        locked = _lock_batch(batch, actor)
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
    _require(actor)
    locked = _lock_batch(batch, actor)
    if decision not in (Decision.NEW, Decision.SKIP) or locked.status != BatchStatus.CHECKED:
        raise DomainError(_("Choose new person or skip."))
    return (
        locked.rows.exclude(duplicates={}).exclude(action=RowAction.ERROR).filter(decision="").update(decision=decision)
    )


@transaction.atomic
def batch_cancel(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Ask a queued or running dry run to stop (the task stops at its next progress report)."""
    _require(actor)
    locked = _lock_batch(batch, actor)
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
    _require(actor)
    locked = _lock_batch(batch, actor)
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
    _require(actor)
    locked = _lock_batch(batch, actor)
    if locked.status != BatchStatus.CHECKED:
        raise DomainError(_("Only a checked import can be committed."))
    _commit_rows(locked)
    locked.status = BatchStatus.COMMITTING
    locked.file_errors = []
    locked.save(update_fields=["status", "file_errors", "updated_at"])
    from casework.imports.tasks import commit_import

    transaction.on_commit(lambda: commit_import.delay(locked.pk, actor.pk))
    return locked


# --- Commit -----------------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _allocate_case_numbers(organisation_id: int, count: int) -> list[str]:
    """`count` consecutive case numbers of the organisation, under its row lock (as `person_register` does)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    first = organisation.last_case_number + 1
    organisation.last_case_number += count
    organisation.save(update_fields=["last_case_number", "updated_at"])
    return [f"{organisation.code}-{number:06d}" for number in range(first, first + count)]


def _commit_rows(locked: ImportBatch) -> list[ImportRow]:
    rows = list(locked.rows.all())
    errors = [row for row in rows if row.action == RowAction.ERROR]
    if errors or locked.file_errors:
        raise DomainError(
            ngettext(
                "%(count)s row has errors: correct the file and run the dry run again.",
                "%(count)s rows have errors: correct the file and run the dry run again.",
                len(errors),
            )
            % {"count": len(errors)}
        )
    undecided = [row.number for row in rows if row.needs_decision and not row.decision]
    if undecided:
        raise DomainError(
            _("Settle the possible duplicates first (rows %(rows)s).") % {"rows": ", ".join(map(str, undecided[:20]))}
        )
    return rows


@transaction.atomic(durable=True)
def batch_commit(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Write the checked batch in one transaction: all rows or none.

    A person changed since the dry run (its `updated_at` moved) refuses the whole commit, so that an edit
    made meanwhile is never overwritten; the dry run can then be run again.
    """
    _require(actor)
    locked = _lock_batch(batch, actor)
    if locked.status not in (BatchStatus.CHECKED, BatchStatus.COMMITTING):
        raise DomainError(_("Only a checked import can be committed."))
    rows = _commit_rows(locked)
    reason = locked.history_reason
    now = timezone.now()
    if any(row.values.get("assigned_to_id") not in (None, actor.pk) for row in rows) and not actor.has_perm(
        "people.assign_case"
    ):
        raise DomainError(_("Assigning cases needs the permission to assign cases."))

    # Which rows create, which update whom.
    to_create: list[ImportRow] = []
    to_update: list[ImportRow] = []
    for row in rows:
        if row.decision == Decision.SKIP or row.action in (RowAction.SKIP, RowAction.UNCHANGED):
            continue
        if row.decision == Decision.SAME:
            row.person_id = row.decision_person_id
            to_update.append(row)
        elif row.action == RowAction.UPDATE:
            to_update.append(row)
        else:
            to_create.append(row)

    # Updated persons: locked, checked against the version the dry run saw.
    update_ids = [row.person_id for row in to_update]
    current: dict[int, Person] = {}
    for start in range(0, len(update_ids), 1000):
        for person in (
            Person.objects.select_for_update()
            .filter(organisation_id=locked.organisation_id, pk__in=update_ids[start : start + 1000])
            .order_by("pk")
        ):
            current[person.pk] = person
    changed_meanwhile = [
        row.number
        for row in to_update
        if row.person_id not in current
        or (
            row.values.get("_updated_at") and current[row.person_id].updated_at.isoformat() != row.values["_updated_at"]
        )
    ]
    if changed_meanwhile:
        raise DomainError(
            _("Some persons were changed since the dry run (rows %(rows)s): run the dry run again.")
            % {"rows": ", ".join(map(str, changed_meanwhile[:20]))}
        )

    households, new_households = _households(locked, [*to_create, *to_update], actor, reason)

    # Created persons.
    numbers = _allocate_case_numbers(locked.organisation_id, len(to_create)) if to_create else []
    new_persons = []
    for row, case_number in zip(to_create, numbers, strict=True):
        person = checks.person_from_values(row.values, locked.organisation_id)
        person.household_id = households.get(row.values.get("household", ""))
        person.case_number = case_number
        person.created_by = actor
        person.status_changed_at = now
        person.full_clean(
            exclude=["case_number", "organisation", "assigned_to", "created_by", "household"],
            validate_constraints=False,
            validate_unique=False,
        )
        new_persons.append(person)
    bulk_create_with_history(
        new_persons, Person, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason
    )
    for row, person in zip(to_create, new_persons, strict=True):
        row.person_id = person.pk
        row.committed_as = RowAction.CREATE
        row.before = {}
        row.created_records = {}

    # Updated persons: their state before, then the row's values.
    updated = []
    for row in to_update:
        person = current[row.person_id]
        row.committed_as = RowAction.UPDATE
        row.before = {name: checks._json(getattr(person, name)) for name in checks.PERSON_FIELDS}
        row.before["household_id"] = person.household_id
        row.created_records = {}
        checks.person_from_values(row.values, locked.organisation_id, person)
        if row.values.get("household"):
            person.household_id = households[row.values["household"]]
        person.full_clean(
            exclude=["case_number", "organisation", "assigned_to", "created_by", "household"],
            validate_constraints=False,
            validate_unique=False,
        )
        updated.append(person)
    person_by_pk = {p.pk: p for p in (*new_persons, *updated)}

    for row in [*to_create, *to_update]:
        household_id = households.get(row.values.get("household", ""))
        if household_id in new_households:
            row.created_records.setdefault("household", []).append(household_id)
            new_households.discard(household_id)
    _write_related(locked, actor, [*to_create, *to_update], person_by_pk, reason, now)
    if updated:
        bulk_update_with_history(
            updated,
            Person,
            [*(n for n in checks.PERSON_FIELDS), "name_search", "household", "updated_at"],
            batch_size=ROW_CHUNK,
            default_user=actor,
            default_change_reason=reason,
        )

    # The rows' outcome: rewritten in two statements per chunk (an UPDATE … CASE per field of
    # bulk_update grows with the square of the chunk and was most of the commit's time).
    written = [*to_create, *to_update]
    for start in range(0, len(written), ROW_CHUNK):
        chunk = written[start : start + ROW_CHUNK]
        ImportRow.objects.filter(pk__in=[row.pk for row in chunk]).delete()
        ImportRow.objects.bulk_create(chunk)
    counts = dict(locked.counts)
    counts.update(created=len(to_create), updated=len(to_update), skipped=len(rows) - len(to_create) - len(to_update))
    locked.counts = counts
    locked.status = BatchStatus.COMMITTED
    locked.committed_at = now
    locked.committed_by = actor
    locked.save()
    audit.record(actor=actor, action="imports.batch.committed", target=locked, data=counts)
    return locked


def _households(batch: ImportBatch, rows: list[ImportRow], actor: Any, reason: str) -> tuple[dict[str, int], set[int]]:
    """The households the rows name, by reference: existing ones, and those created now (their ids)."""
    wanted = {row.values["household"] for row in rows if row.values.get("household")}
    households = dict(
        Household.objects.filter(organisation_id=batch.organisation_id, reference__in=wanted).values_list(
            "reference", "pk"
        )
    )
    new_households = [
        Household(organisation_id=batch.organisation_id, reference=ref) for ref in sorted(wanted - set(households))
    ]
    bulk_create_with_history(new_households, Household, default_user=actor, default_change_reason=reason)
    households.update({h.reference: h.pk for h in new_households})
    return households, {h.pk for h in new_households}


def _write_related(
    batch: ImportBatch, actor: Any, rows: list[ImportRow], persons: dict[int, Person], reason: str, now: datetime
) -> None:
    """External references, households, custody, nationality claims, aliases, documents and family links."""
    created_person_ids = {row.person_id for row in rows if row.committed_as == RowAction.CREATE}

    def note(row: ImportRow, kind: str, pk: int) -> None:
        row.created_records.setdefault(kind, []).append(pk)

    # External references of this source.
    existing_refs = set(
        ExternalReference.objects.filter(organisation_id=batch.organisation_id, source=batch.source).values_list(
            "reference", flat=True
        )
    )
    refs = []
    ref_rows = []
    for row in rows:
        reference = row.values.get("external_ref")
        if reference and reference not in existing_refs:
            existing_refs.add(reference)
            refs.append(
                ExternalReference(
                    organisation_id=batch.organisation_id,
                    source=batch.source,
                    reference=reference,
                    person_id=row.person_id,
                    batch=batch,
                )
            )
            ref_rows.append(row)
    ExternalReference.objects.bulk_create(refs, batch_size=ROW_CHUNK)
    for row, ref in zip(ref_rows, refs, strict=True):
        note(row, "external_reference", ref.pk)

    # Custody: a new person starts a period; a known person elsewhere moves (through the people service).
    periods, period_rows = [], []
    sections = {}
    section_ids = {row.values["section"] for row in rows if row.values.get("section")}
    if section_ids:
        sections = FacilitySection.objects.in_bulk(section_ids)
    for row in rows:
        facility_id = row.values.get("facility")
        if not facility_id:
            continue
        start = _date(row.values.get("arrival_date")) or now.date()
        if row.person_id in created_person_ids:
            periods.append(
                CustodyPeriod(
                    person_id=row.person_id,
                    facility_id=facility_id,
                    section_id=row.values.get("section"),
                    start_date=start,
                    transfer_reason=TransferReason.INITIAL,
                )
            )
            period_rows.append(row)
        elif "facility" in row.changes:
            person = persons[row.person_id]
            custody_move(
                person=person,
                facility=Facility.objects.get(pk=facility_id),
                section=sections.get(row.values.get("section")),
                start_date=start,
                actor=actor,
            )
            opened = (
                CustodyPeriod.objects.filter(person_id=row.person_id, end_date__isnull=True)
                .values_list("pk", flat=True)
                .first()
            )
            if opened:
                note(row, "custody_moved", opened)
    bulk_create_with_history(
        periods, CustodyPeriod, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason
    )
    for row, period in zip(period_rows, periods, strict=True):
        note(row, "custody", period.pk)

    # Nationality claims (the first claim of a person is its main one).
    person_ids = [row.person_id for row in rows]
    claimed: dict[int, set[str]] = {}
    for person_id, country in NationalityClaim.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "country"
    ):
        claimed.setdefault(person_id, set()).add(str(country))
    claims, claim_rows = [], []
    for row in rows:
        country = row.values.get("nationality")
        if country and country not in claimed.get(row.person_id, set()):
            claims.append(
                NationalityClaim(
                    person_id=row.person_id,
                    country=country,
                    status=ClaimStatus.CLAIMED,
                    is_primary=not claimed.get(row.person_id),
                    claimed_on=now.date(),
                )
            )
            claimed.setdefault(row.person_id, set()).add(country)
            claim_rows.append(row)
    bulk_create_with_history(
        claims, NationalityClaim, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason
    )
    for row, claim in zip(claim_rows, claims, strict=True):
        note(row, "claim", claim.pk)

    # Aliases and kunyas, passport numbers: added when not already recorded.
    known_aliases = set(Alias.objects.filter(person_id__in=person_ids).values_list("person_id", "kind", "name"))
    aliases, alias_rows = [], []
    for row in rows:
        for key, kind in (("alias", AliasKind.ALIAS), ("kunya", AliasKind.KUNYA)):
            name = row.values.get(key)
            if name and (row.person_id, kind, name) not in known_aliases:
                known_aliases.add((row.person_id, kind, name))
                script = Script.ARABIC if any("\u0600" <= ch <= "\u06ff" for ch in name) else Script.LATIN
                alias = Alias(person_id=row.person_id, kind=kind, name=name, script=script)
                alias.name_search = checks.normalise_name(name)
                aliases.append(alias)
                alias_rows.append(row)
    bulk_create_with_history(aliases, Alias, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason)
    for row, alias in zip(alias_rows, aliases, strict=True):
        note(row, "alias", alias.pk)
    known_documents = set(
        IdentityDocument.objects.filter(person_id__in=person_ids, document_type=DocumentType.PASSPORT).values_list(
            "person_id", "number"
        )
    )
    documents, document_rows = [], []
    for row in rows:
        number = row.values.get("document_number")
        if number and (row.person_id, number) not in known_documents:
            known_documents.add((row.person_id, number))
            documents.append(
                IdentityDocument(person_id=row.person_id, document_type=DocumentType.PASSPORT, number=number)
            )
            document_rows.append(row)
    bulk_create_with_history(
        documents, IdentityDocument, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason
    )
    for row, document in zip(document_rows, documents, strict=True):
        note(row, "document", document.pk)

    _write_links(batch, rows, persons, actor, reason, note)


def _write_links(
    batch: ImportBatch, rows: list[ImportRow], persons: dict[int, Person], actor: Any, reason: str, note: Any
) -> None:
    """Family links by the other row's external reference (this file, then this source) or a case number; both directions."""
    by_ref = {row.values["external_ref"]: row.person_id for row in rows if row.values.get("external_ref")}
    wanted = {row.values[key] for row in rows for key in ("mother", "father", "spouse") if row.values.get(key)}
    missing = wanted - set(by_ref)
    if missing:
        by_ref.update(
            ExternalReference.objects.filter(
                organisation_id=batch.organisation_id, source=batch.source, reference__in=missing
            ).values_list("reference", "person_id")
        )
        by_ref.update(
            Person.objects.filter(
                organisation_id=batch.organisation_id, case_number__in=missing - set(by_ref)
            ).values_list("case_number", "pk")
        )
    pairs = []
    for row in rows:
        for key, relation in (("mother", Relation.MOTHER), ("father", Relation.FATHER), ("spouse", Relation.SPOUSE)):
            reference = row.values.get(key)
            if not reference:
                continue
            relative_id = by_ref.get(reference)
            if relative_id is None or relative_id == row.person_id:
                raise DomainError(
                    _("Row %(row)s: the family link to “%(ref)s” cannot be resolved any more.")
                    % {"row": row.number, "ref": reference}
                )
            pairs.append((row, relative_id, relation))
    if not pairs:
        return
    ids = {row.person_id for row, _r, _rel in pairs} | {relative for _row, relative, _rel in pairs}
    existing = set(FamilyLink.objects.filter(person_id__in=ids).values_list("person_id", "relative_id", "relation"))
    sexes = dict(Person.objects.filter(pk__in=ids).values_list("pk", "sex"))
    sexes.update({pk: p.sex for pk, p in persons.items()})
    links, link_rows = [], []
    for row, relative_id, relation in pairs:
        inverse = INVERSE_RELATION[relation] or {"female": Relation.MOTHER, "male": Relation.FATHER}.get(
            sexes.get(row.person_id, ""), Relation.OTHER
        )
        for link in ((row.person_id, relative_id, relation), (relative_id, row.person_id, inverse)):
            if link not in existing:
                existing.add(link)
                links.append(FamilyLink(person_id=link[0], relative_id=link[1], relation=link[2]))
                link_rows.append(row)
    bulk_create_with_history(links, FamilyLink, batch_size=ROW_CHUNK, default_user=actor, default_change_reason=reason)
    for row, link in zip(link_rows, links, strict=True):
        note(row, "family_link", link.pk)


# --- Undo -------------------------------------------------------------------------------------------


def undo_blockers(batch: ImportBatch) -> list[str]:
    """Why the batch cannot be undone: later work that depends on what it wrote (empty if it can)."""
    reasons = []
    rows = list(batch.rows.filter(person__isnull=False).exclude(committed_as="").select_related("person"))
    person_ids = [row.person_id for row in rows]
    case_numbers = {row.person_id: row.person.case_number for row in rows}
    since = batch.committed_at or timezone.now()
    for person_id in (
        Person.objects.filter(pk__in=person_ids, request_memberships__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    ):
        reasons.append(_("%(case)s has since been put on a government request.") % {"case": case_numbers[person_id]})
    for person_id in (
        Person.objects.filter(pk__in=person_ids, handover_memberships__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    ):
        reasons.append(_("%(case)s is on a handover operation.") % {"case": case_numbers[person_id]})
    # Changes by this batch, and by later imports undone since (their change and its undo cancel out).
    ignored = {batch.history_reason}
    for undone in ImportBatch.objects.filter(organisation_id=batch.organisation_id, status=BatchStatus.UNDONE):
        ignored |= {undone.history_reason, f"undo {undone.history_reason}"}
    later = (
        Person.history.filter(id__in=person_ids, history_date__gt=since)
        .exclude(history_change_reason__in=ignored)
        .values_list("id", flat=True)
        .distinct()
    )
    for person_id in later:
        reasons.append(_("%(case)s has been changed since the import.") % {"case": case_numbers[person_id]})
    # Records added by hand to a created person since the import would be lost with it.
    created = [row.person_id for row in rows if row.committed_as == RowAction.CREATE]
    own = {
        kind: {pk for row in rows for pk in row.created_records.get(kind, [])}
        for kind in ("alias", "claim", "document", "custody")
    }
    added: set[int] = set()
    for kind, model in (
        ("alias", Alias),
        ("claim", NationalityClaim),
        ("document", IdentityDocument),
        ("custody", CustodyPeriod),
    ):
        for pk, person_id in model.objects.filter(person_id__in=created).values_list("pk", "person_id"):
            if pk not in own[kind]:
                added.add(person_id)
    for relation in ("dna_tests", "assessments", "screenings"):
        added |= set(
            Person.objects.filter(pk__in=created, **{f"{relation}__isnull": False}).values_list("pk", flat=True)
        )
    for person_id in sorted(added):
        reasons.append(_("%(case)s has records added since the import.") % {"case": case_numbers[person_id]})
    status_moved = (
        Person.objects.filter(pk__in=person_ids, status_changes__created_at__gt=since)
        .values_list("pk", flat=True)
        .distinct()
    )
    for person_id in status_moved:
        reasons.append(
            _("%(case)s has had its case status changed since the import.") % {"case": case_numbers[person_id]}
        )
    return sorted(set(reasons))


def _delete_with_history(model: Any, ids: list[int], actor: Any, reason: str) -> None:
    """Delete the records `ids` of `model` set-based, with one history row each naming `actor` and `reason`.

    The per-object deletion signals write the history rows (one insert each); the actor and reason are
    then set on them in one update, where `delete_with_history` would cost a query or more per record.
    """
    started = timezone.now()
    for start in range(0, len(ids), ROW_CHUNK):
        model.objects.filter(pk__in=ids[start : start + ROW_CHUNK]).delete()
    model.history.filter(id__in=ids, history_type="-", history_user__isnull=True, history_date__gte=started).update(
        history_user=actor, history_change_reason=reason
    )


@transaction.atomic(durable=True)
def batch_undo(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Remove the persons a batch created and restore those it updated; refused with reasons if work depends on them."""
    _require(actor)
    locked = _lock_batch(batch, actor)
    if locked.status != BatchStatus.COMMITTED:
        raise DomainError(_("Only a committed import can be undone."))
    blockers = undo_blockers(locked)
    if blockers:
        raise DomainError(_("This import cannot be undone: %(reasons)s") % {"reasons": " ".join(blockers)})
    rows = list(locked.rows.filter(person__isnull=False).exclude(committed_as="").order_by("-number"))
    created = [row.person_id for row in rows if row.committed_as == RowAction.CREATE]
    updated = {row.person_id: row for row in rows if row.committed_as == RowAction.UPDATE}
    persons = Person.objects.select_for_update().in_bulk([row.person_id for row in rows])
    reason = f"undo {locked.history_reason}"
    # Records the batch added (to persons it created or updated), then the persons it created.
    models = {
        "alias": Alias,
        "claim": NationalityClaim,
        "document": IdentityDocument,
        "family_link": FamilyLink,
        "custody": CustodyPeriod,
    }
    for kind, model in models.items():
        ids = [pk for row in rows for pk in row.created_records.get(kind, [])]
        if kind == "family_link":
            # Links between created persons and others (written later, or by this batch): both directions.
            ids += list(
                FamilyLink.objects.filter(Q(person_id__in=created) | Q(relative_id__in=created)).values_list(
                    "pk", flat=True
                )
            )
        _delete_with_history(model, ids, actor, reason)
    ExternalReference.objects.filter(
        pk__in=[pk for row in rows for pk in row.created_records.get("external_reference", [])]
    ).delete()
    _delete_with_history(Person, created, actor, reason)
    restored = []
    for person_id, row in updated.items():
        person = persons[person_id]
        for name, value in row.before.items():
            if name.startswith("birth_date") and name != "birth_date_precision":
                value = _date(value)
            setattr(person, name, value)
        person.refresh_derived_fields()
        restored.append(person)
    if restored:
        bulk_update_with_history(
            restored,
            Person,
            [*checks.PERSON_FIELDS, "name_search", "household", "updated_at"],
            default_user=actor,
            default_change_reason=reason,
        )
    household_ids = [pk for row in rows for pk in row.created_records.get("household", [])]
    for household in Household.objects.filter(pk__in=household_ids, members__isnull=True):
        delete_with_history(household, actor)
    locked.status = BatchStatus.UNDONE
    locked.undone_at = timezone.now()
    locked.save(update_fields=["status", "undone_at", "updated_at"])
    audit.record(
        actor=actor,
        action="imports.batch.undone",
        target=locked,
        data={"removed": len(created), "restored": len(restored)},
    )
    return locked


# --- Retention --------------------------------------------------------------------------------------


def expired_file_batch_ids(*, now: datetime | None = None) -> list[int]:
    """Batches whose uploaded file is past the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORTS_FILE_RETENTION_DAYS)
    return list(
        ImportBatch.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
        .exclude(file="")
        .values_list("pk", flat=True)
    )


def batch_delete_file(*, batch_id: int) -> bool:
    """Delete a batch's stored file (idempotent); the batch and its rows stay."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, file_deleted_at__isnull=True).first()
        if batch is None or not batch.file:
            return False
        name, storage = batch.file.name, batch.file.storage
        batch.file = ""
        batch.file_deleted_at = timezone.now()
        batch.save(update_fields=["file", "file_deleted_at", "updated_at"])
        transaction.on_commit(lambda: storage.delete(name), robust=True)
    return True

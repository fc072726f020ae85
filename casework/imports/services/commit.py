"""The commit of a checked batch: every row the dry run planned, written in one transaction (all or nothing).

Chunked and set-based: the rows are read ROW_CHUNK at a time (by row number) and each chunk is written
with a constant number of statements, whatever its size: persons and their history rows, name keys,
external references, households, custody, claims, aliases, documents, and the rows' outcome. Family
links come last, in a second pass, because a row may name a relative further down the file. Memory is
bounded by a chunk plus a small index of the file's references (reference → person id).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from casework.accounts.models import Organisation
from casework.core import audit
from casework.core.exceptions import DomainError
from casework.imports import checks, sql
from casework.imports import mapping as m
from casework.imports.choices import BatchStatus, Decision, RowAction
from casework.imports.models import ImportBatch, ImportRow
from casework.imports.services import bulk
from casework.imports.services.common import ROW_CHUNK, lock_batch, require
from casework.imports.services.related import write_links, write_related
from casework.people.models import Household, Person
from casework.people.namekeys import person_name_keys_rebuild

# The row fields the commit reads (the report's errors, warnings and duplicates stay in the database).
UPDATE_BATCH = 200
_ROW_FIELDS = ("pk", "number", "action", "values", "changes", "decision", "decision_person_id", "person_id")
# A created person's columns that come from its row (derived ones included).
_PERSON_COLUMNS = (*checks.PERSON_FIELDS, "name_search")


@dataclass
class CommitRun:
    """What the chunks of one commit share."""

    batch: ImportBatch
    actor: Any
    reason: str
    now: datetime
    may_assign: bool
    created: int = 0
    updated: int = 0
    # Reference of a written row of the file → its person (family links are resolved at the end).
    by_ref: dict[str, int] = field(default_factory=dict)
    # Rows naming relatives: (row number, person id, {link key: reference}, the row's created_records).
    linking: list[tuple[int, int, dict[str, str], dict[str, list[int]], int]] = field(default_factory=list)
    _defaults: dict[type, bulk.Defaults] = field(default_factory=dict)
    _scratch: tuple[Person, dict[str, Any]] | None = None

    def new(self, model: type, **values: Any) -> dict[str, Any]:
        """The record (column values by attribute name) of a new object of `model`: see `bulk.Defaults`."""
        if model not in self._defaults:
            self._defaults[model] = bulk.Defaults(model, self.now)
        return self._defaults[model].new(**values)

    def person_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """A row's person fields with the derived ones (search names, birth range) as the Person model
        computes them, on one scratch instance reset for each row (no instance per row)."""
        if self._scratch is None:
            scratch = Person(organisation_id=self.batch.organisation_id)
            self._scratch = (scratch, {name: getattr(scratch, name) for name in _PERSON_COLUMNS})
        scratch, defaults = self._scratch
        scratch.__dict__.update(defaults)
        checks.person_from_values(values, self.batch.organisation_id, scratch)
        return {name: scratch.__dict__[name] for name in _PERSON_COLUMNS}


def check_committable(locked: ImportBatch) -> None:
    """DomainError if rows still have errors or undecided duplicates (two queries, no row loaded)."""
    errors = locked.rows.filter(action=RowAction.ERROR).count()
    if errors or locked.file_errors:
        raise DomainError(
            ngettext(
                "%(count)s row has errors: correct the file and run the dry run again.",
                "%(count)s rows have errors: correct the file and run the dry run again.",
                errors,
            )
            % {"count": errors}
        )
    undecided = list(
        locked.rows.exclude(duplicates={})
        .filter(action__in=(RowAction.CREATE, RowAction.UPDATE), decision=Decision.UNDECIDED)
        .order_by("number")
        .values_list("number", flat=True)[:20]
    )
    if undecided:
        raise DomainError(
            _("Settle the possible duplicates first (rows %(rows)s).") % {"rows": ", ".join(map(str, undecided))}
        )


def _row_chunks(batch: ImportBatch) -> Any:
    """The rows to write, ROW_CHUNK at a time, in file order (keyset pagination on the row number)."""
    # Not `batch.rows`: a related manager would read each row's deferred fields to set its batch (a query each).
    rows = (
        ImportRow.objects.filter(batch_id=batch.pk, action__in=(RowAction.CREATE, RowAction.UPDATE))
        .exclude(decision=Decision.SKIP)
        .order_by("number")
        .only(*(name for name in _ROW_FIELDS if name != "pk"))
    )
    last = 0
    while True:
        chunk = list(rows.filter(number__gt=last)[:ROW_CHUNK])
        if not chunk:
            return
        last = chunk[-1].number
        yield chunk


def _allocate_case_numbers(organisation_id: int, count: int) -> list[str]:
    """`count` consecutive case numbers of the organisation, under its row lock (as `person_register` does)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    first = organisation.last_case_number + 1
    organisation.last_case_number += count
    organisation.save(update_fields=["last_case_number", "updated_at"])
    return [f"{organisation.code}-{number:06d}" for number in range(first, first + count)]


@transaction.atomic(durable=True)
def batch_commit(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Write the checked batch in one transaction: all rows or none.

    A person changed since the dry run (its `updated_at` moved) refuses the whole commit, so that an edit
    made meanwhile is never overwritten; the dry run can then be run again.
    """
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status not in (BatchStatus.CHECKED, BatchStatus.COMMITTING):
        raise DomainError(_("Only a checked import can be committed."))
    check_committable(locked)
    run = CommitRun(
        batch=locked,
        actor=actor,
        reason=locked.history_reason,
        now=timezone.now(),
        may_assign=actor.has_perm("people.assign_case"),
    )
    for chunk in _row_chunks(locked):
        _commit_chunk(run, chunk)
    write_links(run)
    counts = dict(locked.counts)
    total = locked.rows.count()
    counts.update(created=run.created, updated=run.updated, skipped=total - run.created - run.updated)
    locked.counts = counts
    locked.status = BatchStatus.COMMITTED
    locked.committed_at = run.now
    locked.committed_by = actor
    locked.save()
    audit.record(actor=actor, action="imports.batch.committed", target=locked, data=counts)
    return locked


def _commit_chunk(run: CommitRun, rows: list[ImportRow]) -> None:
    """Write one chunk of rows (persons, then what hangs on them, then the rows' outcome)."""
    batch, actor = run.batch, run.actor
    if not run.may_assign and any(row.values.get("assigned_to_id") not in (None, actor.pk) for row in rows):
        raise DomainError(_("Assigning cases needs the permission to assign cases."))
    to_create: list[ImportRow] = []
    to_update: list[ImportRow] = []
    for row in rows:
        row.before, row.created_records = {}, {}
        if row.decision == Decision.SAME:
            row.person_id = row.decision_person_id
            to_update.append(row)
        elif row.action == RowAction.UPDATE:
            to_update.append(row)
        else:
            to_create.append(row)
    current = _lock_updated(batch, to_update)
    households = _households(run, [*to_create, *to_update])

    # Created persons. Their values are those the dry run validated with the Person model's rules
    # (`checks._validate`); the rows cannot have changed since, only a new dry run rewrites them.
    numbers = _allocate_case_numbers(batch.organisation_id, len(to_create)) if to_create else []
    new_persons = [
        run.new(
            Person,
            organisation_id=batch.organisation_id,
            household_id=households.get(row.values.get("household", "")),
            case_number=case_number,
            created_by_id=actor.pk,
            status_changed_at=run.now,
            **run.person_fields(row.values),
        )
        for row, case_number in zip(to_create, numbers, strict=True)
    ]
    bulk.create_with_history(new_persons, Person, actor=actor, reason=run.reason, now=run.now)
    for row, person in zip(to_create, new_persons, strict=True):
        row.person_id = person["id"]
        row.committed_as = RowAction.CREATE

    # Updated persons: their state before (for undo), then the row's values. Unchanged since the dry run
    # (checked above), so the merged state is the one the dry run validated.
    updated = []
    for row in to_update:
        person = current[row.person_id]
        row.committed_as = RowAction.UPDATE
        row.before = checks.person_before(person)
        checks.person_from_values(row.values, batch.organisation_id, person)
        if row.values.get("household"):
            person.household_id = households[row.values["household"]]
        # bulk_update() leaves `auto_now` alone: a new version, so that an edit page opened before is refused.
        person.updated_at = run.now
        updated.append(person)

    written = [*to_create, *to_update]
    write_related(run, written, {p.pk: p for p in updated})
    if updated:
        bulk_update_with_history(
            updated,
            Person,
            checks.PERSON_UPDATE_FIELDS,
            # An UPDATE … CASE per field: its cost grows with the square of the batch.
            batch_size=UPDATE_BATCH,
            default_user=actor,
            default_change_reason=run.reason,
        )
    # The name-key index of the matcher (`casework.matching`): rows built from the persons in memory
    # for the created ones; rebuilt from the database for the updated ones (names or aliases may change).
    bulk.write_name_keys(new_persons, {row.person_id: row.values for row in to_create})
    if updated:
        person_name_keys_rebuild(person_ids=[p.pk for p in updated])
    linking = []
    for row in written:
        if row.values.get("external_ref"):
            run.by_ref[row.values["external_ref"]] = row.person_id
        links = {key: row.values[key] for key in m.LINK_FIELDS if row.values.get(key)}
        if links:
            linking.append((row.number, row.person_id, links, row.created_records, row.pk))
    write_links(run, linking)
    bulk.save_outcomes(written)
    run.created += len(to_create)
    run.updated += len(to_update)


def _lock_updated(batch: ImportBatch, rows: list[ImportRow]) -> dict[int, Person]:
    """The persons the rows update, locked, checked against the version the dry run saw."""
    ids = [row.person_id for row in rows]
    current = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(sql.any_of("pk", ids), organisation_id=batch.organisation_id)
        .order_by("pk")
    }
    changed = [
        row.number
        for row in rows
        if row.person_id not in current
        or (
            row.values.get("_updated_at") and current[row.person_id].updated_at.isoformat() != row.values["_updated_at"]
        )
    ]
    if changed:
        raise DomainError(
            _("Some persons were changed since the dry run (rows %(rows)s): run the dry run again.")
            % {"rows": ", ".join(map(str, changed[:20]))}
        )
    return current


def _households(run: CommitRun, rows: list[ImportRow]) -> dict[str, int]:
    """The households the rows name, by reference: existing ones, and those created now (noted on their first row)."""
    wanted = {row.values["household"] for row in rows if row.values.get("household")}
    if not wanted:
        return {}
    households = dict(
        Household.objects.filter(
            sql.any_of("reference", sorted(wanted)), organisation_id=run.batch.organisation_id
        ).values_list("reference", "pk")
    )
    new = [
        run.new(Household, organisation_id=run.batch.organisation_id, reference=ref)
        for ref in sorted(wanted - set(households))
    ]
    bulk.create_with_history(new, Household, actor=run.actor, reason=run.reason, now=run.now)
    created = {h["reference"]: h["id"] for h in new}
    households.update(created)
    for row in rows:
        pk = created.pop(row.values.get("household", ""), None)
        if pk is not None:
            row.created_records.setdefault("household", []).append(pk)
    return households

"""The dry run: read the file, apply the mapping, validate every row with the Person model's rules,
work out what each row will do (create, update, nothing) and find possible duplicates.

Nothing is written here except the batch's rows (`ImportRow`) and progress; `services.batch_commit`
later writes exactly what the dry run planned.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.camps.models import Facility, FacilitySection
from casework.imports import cell_values
from casework.imports import mapping as m
from casework.imports.choices import RowAction
from casework.imports.duplicates import Candidate, Duplicates, find_duplicates, row_candidate_keys
from casework.imports.links import LinkIndex, birth_earliest, birth_latest
from casework.imports.models import ExternalReference, ImportBatch
from casework.imports.readers import FileRefused, Table, column_letter, read_table, release_freed_memory
from casework.imports.rows import RowResult, RowStore
from casework.people.choices import DatePrecision
from casework.people.models import Person
from casework.people.names import normalise_name, record_keys

MAX_CELL_LENGTH = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@")
# Bidirectional overrides/isolates, marks and zero-width characters: invisible, they change how a name reads.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# The person's fields an import writes (and an update compares).
PERSON_FIELDS = (
    *(f"{p}_{s}" for s in ("lat", "ar") for p in m.NAME_PARTS),
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_date_earliest",
    "birth_date_latest",
    "place_of_birth",
    "separation_status",
    "assigned_to_id",
)
# What a commit writes to the persons it updates, and what their undo writes back.
PERSON_UPDATE_FIELDS = (*PERSON_FIELDS, "name_search", "household", "updated_at")
PROGRESS_EVERY = 500
# Rows read, checked and planned at a time (their persons read in batches of a thousand).
SCAN_CHUNK = 2000


class Cancelled(Exception):
    """The user cancelled the dry run."""


@dataclass
class CheckResult:
    """The checked rows (compressed, to be read once), what the whole-file checks add to them (family-link
    errors and possible duplicates, by row number), and the file's own errors and warnings."""

    table: Table | None
    rows: RowStore
    file_errors: list[str]
    warnings: list[str]
    link_errors: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    duplicates: dict[int, Duplicates] = field(default_factory=dict)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def parse_date(value: str | None) -> date | None:
    """A date stored in a row's JSON values (ISO text) or None."""
    return date.fromisoformat(value) if value else None


def _from_json(name: str, value: Any) -> Any:
    """A value of `PERSON_FIELDS` as the model holds it, from its JSON form (dates as ISO text)."""
    if name.startswith("birth_date") and name != "birth_date_precision":
        return parse_date(value)
    return value


def _column_label(table: Table, index: int) -> str:
    header = table.headers[index] if index < len(table.headers) else ""
    return f"{column_letter(index)} ({header})" if header else column_letter(index)


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _check_text(row: RowResult, column: str, value: Any) -> bool:
    """The text checks every mapped cell passes; False (with an error) when the cell is refused."""
    if not isinstance(value, str) or not value:
        return True
    if len(value) > MAX_CELL_LENGTH:
        row.error(column, _("The cell holds %(count)s characters; the limit is 2,000.") % {"count": len(value)})
        return False
    invisible = _INVISIBLE.search(value)
    if invisible:
        row.error(
            column,
            _("The cell holds an invisible direction or zero-width character (U+%(code)04X): retype the value.")
            % {"code": ord(invisible.group())},
        )
        return False
    if value.startswith(FORMULA_PREFIXES):
        row.error(
            column,
            _("The cell begins with “%(char)s”, which spreadsheets run as a formula: remove that character.")
            % {"char": value[0]},
        )
        return False
    return True


class Context:
    """Reference data read once per dry run (set-based): facilities, sections, users, external references."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.organisation_id = batch.organisation_id
        self.facilities: dict[str, Facility] = {}
        for facility in Facility.objects.all():
            for name in (facility.name, facility.name_ar):
                if name:
                    self.facilities[normalise_name(name)] = facility
        self.sections: dict[tuple[int, str], int] = {
            (facility_id, normalise_name(name)): pk
            for pk, facility_id, name in FacilitySection.objects.values_list("pk", "facility_id", "name")
        }
        self.users = {
            username.casefold(): pk
            for pk, username in User.objects.filter(organisation_id=self.organisation_id, is_active=True).values_list(
                "pk", "username"
            )
        }
        self.external = dict(
            ExternalReference.objects.filter(organisation_id=self.organisation_id, source=batch.source).values_list(
                "reference", "person_id"
            )
        )
        self.value_maps = batch.value_maps or {}
        # A file names the same few camps and sections on every row.
        self.normalised = lru_cache(maxsize=10_000)(normalise_name)


def _facility(context: Context, value: Any) -> Facility | None:
    text = _text(value)
    mapped = (context.value_maps.get("facility") or {}).get(text)
    if mapped:
        return next((f for f in context.facilities.values() if str(f.public_id) == mapped), None)
    return context.facilities.get(context.normalised(text))


# Per script: the full-name key and the (part, key) of each name part, e.g. ("given_name", "given_name_lat").
# Built once: the keys of every row's values are these very strings, not a copy per row.
_NAME_KEYS = tuple(
    (f"full_name_{script}", tuple((part, f"{part}_{script}") for part in m.NAME_PARTS)) for script in ("lat", "ar")
)


def _parse_row(
    context: Context, columns: dict[str, int], labels: dict[str, str], number: int, cells: list[Any]
) -> RowResult:
    row = RowResult(number=number)
    value_maps = context.value_maps
    raw: dict[str, Any] = {}
    for key, index in columns.items():
        value = cells[index] if index < len(cells) else ""
        if _check_text(row, labels[key], value):
            raw[key] = value
    values = row.values
    label = labels.__getitem__

    # Names: parts as given, or a full name split into parts.
    for full_key, parts in _NAME_KEYS:
        for _part, key in parts:
            if key in raw:
                values[key] = _text(raw[key])
        full = _text(raw.get(full_key, ""))
        if full and not any(values.get(key) for _part, key in parts):
            split = cell_values.split_full_name(full)
            for part, key in parts:
                values[key] = split[part]
    parsers: dict[str, Callable[[Any], Any]] = {
        "sex": lambda v: cell_values.parse_sex(v, value_maps.get("sex")),
        "separation_status": lambda v: cell_values.parse_separation(v, value_maps.get("separation_status")),
        "nationality": lambda v: cell_values.parse_country(v, value_maps.get("nationality")) if _text(v) else "",
        "claim_status": lambda v: cell_values.parse_claim_status(v, value_maps.get("claim_status")) if _text(v) else "",
        "document_type": lambda v: (
            cell_values.parse_document_type(v, value_maps.get("document_type")) if _text(v) else ""
        ),
        "arrival_date": lambda v: _json(cell_values.parse_day(v)),
    }
    for key, parse in parsers.items():
        if key in raw:
            try:
                values[key] = parse(raw[key])
            except cell_values.CellError as exc:
                row.error(label(key), str(exc))
    if "birth_date" in raw:
        try:
            born = cell_values.parse_birth_date(raw["birth_date"])
        except cell_values.CellError as exc:
            row.error(label("birth_date"), str(exc))
        else:
            values["birth_date"] = _json(born.value)
            values["birth_date_precision"] = born.precision
            if born.precision == DatePrecision.RANGE:
                values["birth_date_earliest"] = _json(born.earliest)
                values["birth_date_latest"] = _json(born.latest)
    for key in ("place_of_birth", "alias", "kunya", "document_number", "household", "external_ref", "case_number"):
        if key in raw and _text(raw[key]):
            values[key] = _text(raw[key])
    if values.get("claim_status") and not values.get("nationality"):
        row.error(label("claim_status"), _("A nationality claim status needs the nationality it is about."))
    if values.get("document_type") and not values.get("document_number"):
        row.error(label("document_type"), _("A document type needs the document's number."))
    for key in m.LINK_FIELDS:
        if key in raw and _text(raw[key]):
            values[key] = _text(raw[key])
    if "facility" in raw and _text(raw["facility"]):
        facility = _facility(context, raw["facility"])
        if facility is None:
            row.error(
                label("facility"),
                _("There is no facility “%(value)s”: map it to one of the facilities.")
                % {"value": _text(raw["facility"])},
            )
        else:
            values["facility"] = facility.pk
            if "section" in raw and _text(raw["section"]):
                section = context.sections.get((facility.pk, context.normalised(_text(raw["section"]))))
                if section is None:
                    row.error(
                        label("section"),
                        _("The facility has no section “%(value)s”.") % {"value": _text(raw["section"])},
                    )
                else:
                    values["section"] = section
    if "caseworker" in raw and _text(raw["caseworker"]):
        user_id = context.users.get(_text(raw["caseworker"]).casefold())
        if user_id is None:
            row.error(
                label("caseworker"),
                _("No user “%(value)s” in your organisation.") % {"value": _text(raw["caseworker"])},
            )
        else:
            values["assigned_to_id"] = user_id
    return row


def _field_column(labels: dict[str, str], field_name: str) -> str:
    """The column to blame for a model validation error on `field_name`."""
    for key in (
        field_name,
        field_name.removesuffix("_earliest").removesuffix("_latest"),
        "full_name_lat",
        "full_name_ar",
    ):
        if key in labels:
            return labels[key]
    for key in ("birth_date", "given_name_lat", "given_name_ar", "full_name_lat", "full_name_ar"):
        if key in labels and field_name.startswith(key.split("_")[0]):
            return labels[key]
    return "—"


def person_from_values(
    values: dict[str, Any], organisation_id: int, person: Person | None = None, *, derive: bool = True
) -> Person:
    """An unsaved person (or `person` changed) carrying the row's values (with `derive`, its derived fields)."""
    person = person or Person(organisation_id=organisation_id)
    for name in PERSON_FIELDS:
        if name in values:
            setattr(person, name, _from_json(name, values[name]))
    if "birth_date_precision" in values and values["birth_date_precision"] != DatePrecision.RANGE:
        person.birth_date_earliest = person.birth_date_latest = None
    if derive:
        person.refresh_derived_fields()
    return person


# The fields `clean_fields` checks for a row: the model's, less those an import never sets from a cell.
_NOT_CHECKED = frozenset({"organisation", "case_number", "photo", "assigned_to", "household", "created_by"})


@lru_cache(maxsize=1)
def _checked_fields() -> tuple[tuple[str, str], ...]:
    """(name, attname) of the Person fields that a row's values set and `clean_fields` would check."""
    return tuple(
        (f.name, f.attname)
        for f in Person._meta.concrete_fields
        if f.attname in PERSON_FIELDS and f.name not in _NOT_CHECKED and not getattr(f, "generated", False)
    )


@lru_cache(maxsize=50_000)
def _field_errors(name: str, value: Any, language: str | None) -> tuple[str, ...]:
    """What `Model.clean_fields` says about one field's value (memoised: a field's rules depend on its value
    alone, and a file repeats its values: sexes, precisions, years)."""
    field = Person._meta.get_field(name)
    if field.blank and value in field.empty_values:
        return ()
    try:
        field.clean(value, None)
    except ValidationError as exc:
        return tuple(exc.messages)
    return ()


def _validate(row: RowResult, labels: dict[str, str], person: Person) -> None:
    """The Person model's own rules (field shapes, then `clean` if they pass), without a query.

    The fields a row does not set keep the model's defaults, which pass; each set field is checked
    as `clean_fields` checks it, memoised by value."""
    language = translation.get_language()
    failed = False
    for name, attname in _checked_fields():
        for message in _field_errors(name, getattr(person, attname), language):
            row.error(_field_column(labels, name), message)
            failed = True
    if failed:
        return
    try:
        person.clean()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                row.error(_field_column(labels, field_name), message)


def _snapshot(person: Person) -> dict[str, Any]:
    return {name: _json(getattr(person, name)) for name in PERSON_FIELDS}


def person_before(person: Person) -> dict[str, Any]:
    """An updated person's state before the commit, as JSON: what its undo restores (`restore_person`)."""
    return {**_snapshot(person), "household_id": person.household_id}


def restore_person(person: Person, before: dict[str, Any]) -> None:
    """Put back on `person` the state `person_before` kept (its derived fields too); unsaved."""
    for name, value in before.items():
        setattr(person, name, _from_json(name, value))
    person.refresh_derived_fields()


def check_batch(batch: ImportBatch, *, progress: Callable[[int, int], None] | None = None) -> CheckResult:
    """Read and check the whole file; `progress(done, total)` is called every few hundred rows (it may raise Cancelled).

    A chunk at a time: each chunk of rows is read, parsed, validated and planned (its persons read in
    batches), then kept compressed (`RowStore`); only what the whole-file checks need (references,
    links, duplicate-search keys) is kept per row. The family links and duplicates are checked once
    every row is read, and merged into the rows as they are stored."""
    try:
        table = read_table(
            Path(batch.file.path),
            batch.file_name,
            sheet=batch.sheet_name,
            header_row=batch.header_row,
            encoding=batch.encoding,
            stream=True,
        )
    except FileRefused as exc:
        return CheckResult(None, RowStore(), [str(exc)], [])
    columns: dict[str, int] = {}
    for header, key in (batch.mapping or {}).items():
        if key and key in m.FIELD_BY_KEY and header in table.headers:
            columns[key] = table.headers.index(header)
    missing = [header for header, key in (batch.mapping or {}).items() if key and header not in table.headers]
    file_errors = []
    if missing:
        file_errors.append(
            _("The file has no column %(names)s any more: map the columns again.") % {"names": ", ".join(missing)}
        )
    if not (m.NAME_FIELDS & set(columns)):
        file_errors.append(_("Map at least one name column (Latin or Arabic script)."))
    if file_errors:
        return CheckResult(table, RowStore(), file_errors, table.warnings)

    context = Context(batch)
    labels = {key: _column_label(table, index) for key, index in columns.items()}
    problems: dict[int, list] = {}
    for problem in table.problems:
        problems.setdefault(problem.row, []).append(problem)
    store = RowStore()
    links = LinkIndex()
    candidates = CandidateIndex()
    total = table.total
    done = 0
    chunk: list[RowResult] = []

    def finish(chunk: list[RowResult]) -> None:
        _resolve_case_numbers(chunk, labels, batch)
        _plan_updates(chunk, labels, batch)
        for row in chunk:
            links.add(row.number, row.values)
            if row.errors:
                row.action = RowAction.ERROR
            elif row.action == RowAction.CREATE:
                candidates.add(row)
        store.add(chunk)

    for done, (number, cells) in enumerate(table.rows, start=1):
        row = _parse_row(context, columns, labels, number, cells)
        for problem in problems.pop(number, []):
            row.error(problem.column, problem.message)
        if "case_number" not in row.values and "external_ref" in row.values:
            row.person_id = context.external.get(row.values["external_ref"])
        chunk.append(row)
        if len(chunk) == SCAN_CHUNK:
            finish(chunk)
            chunk = []
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    finish(chunk)
    del chunk
    # The sheet is read: calamine's copy of it is freed, and given back (the checks below build their indexes).
    release_freed_memory()
    # Cell problems on rows above the data (e.g. merged header cells) belong to the file.
    for rows in problems.values():
        for problem in rows:
            file_errors.append(f"{problem.column}{problem.row}: {problem.message}")
    link_errors = links.errors(labels, context.organisation_id, context.external)
    duplicates = find_duplicates(candidates.without(link_errors), batch.organisation_id)
    if progress:
        progress(done, done)
    return CheckResult(table, store, file_errors, table.warnings, link_errors, duplicates)


def _resolve_case_numbers(results: list[RowResult], labels: dict[str, str], batch: ImportBatch) -> dict[str, int]:
    """The persons the rows name by case number (a thousand case numbers per query); an error on each row
    whose case number is not one of the organisation's. Returns {case number: person id}."""
    wanted = sorted({row.values["case_number"] for row in results if "case_number" in row.values})
    by_case_number: dict[str, int] = {}
    for start in range(0, len(wanted), 1000):
        by_case_number.update(
            Person.objects.filter(
                organisation_id=batch.organisation_id, case_number__in=wanted[start : start + 1000]
            ).values_list("case_number", "pk")
        )
    for row in results:
        if "case_number" in row.values:
            row.person_id = by_case_number.get(row.values["case_number"])
            if row.person_id is None:
                row.error(
                    labels["case_number"],
                    _("No person with case number %(value)s in your organisation.")
                    % {"value": row.values["case_number"]},
                )
    return by_case_number


def _plan_updates(results: list[RowResult], labels: dict[str, str], batch: ImportBatch) -> None:
    """Validate each row against the model; for rows of a known person, work out what changes (set-based reads)."""
    ids = [row.person_id for row in results if row.person_id]
    existing: dict[int, Person] = {}
    for start in range(0, len(ids), 1000):
        for person in Person.objects.filter(organisation_id=batch.organisation_id, pk__in=ids[start : start + 1000]):
            existing[person.pk] = person
    households: dict[int, str] = {}
    claims: dict[int, set[str]] = {}
    facilities: dict[int, int] = {}
    if existing:
        from casework.people.models import CustodyPeriod, NationalityClaim

        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            for person_id, country in NationalityClaim.objects.filter(person_id__in=chunk).values_list(
                "person_id", "country"
            ):
                claims.setdefault(person_id, set()).add(str(country))
            households.update(
                Person.objects.filter(pk__in=chunk, household__isnull=False).values_list("pk", "household__reference")
            )
            facilities.update(
                CustodyPeriod.objects.filter(person_id__in=chunk, end_date__isnull=True).values_list(
                    "person_id", "facility_id"
                )
            )
    # One scratch person validates every new row (a model instance costs more than its checks):
    # reset to the model's defaults, then given the row's values.
    scratch = Person(organisation_id=batch.organisation_id)
    defaults = {name: getattr(scratch, name) for name in PERSON_FIELDS}
    for row in results:
        current = existing.get(row.person_id) if row.person_id else None
        if row.person_id and current is None:
            row.person_id = None
        if current is None:
            scratch.__dict__.update(defaults)
            _validate(row, labels, person_from_values(row.values, batch.organisation_id, scratch, derive=False))
            row.action = RowAction.CREATE
            continue
        before = _snapshot(current)
        person = person_from_values(
            row.values,
            batch.organisation_id,
            Person(**{f.attname: getattr(current, f.attname) for f in Person._meta.concrete_fields}),
        )
        _validate(row, labels, person)
        after = _snapshot(person)
        row.changes = {name: [before[name], after[name]] for name in PERSON_FIELDS if before[name] != after[name]}
        row.values["_updated_at"] = current.updated_at.isoformat()
        if row.values.get("nationality") and row.values["nationality"] not in claims.get(current.pk, set()):
            row.changes["nationality"] = [None, row.values["nationality"]]
        if row.values.get("household") and row.values["household"] != households.get(current.pk):
            row.changes["household"] = [households.get(current.pk), row.values["household"]]
        if row.values.get("facility") and row.values["facility"] != facilities.get(current.pk):
            row.changes["facility"] = [facilities.get(current.pk), row.values["facility"]]
        row.action = RowAction.UPDATE if row.changes else RowAction.UNCHANGED


def row_name_keys(values: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """The matcher's index rows of a row's names and aliases: (part, kind, key) → script, as for a person."""
    aliases = [(kind, values[kind]) for kind in ("alias", "kunya") if values.get(kind)]
    return record_keys(values, aliases)


class CandidateIndex:
    """The duplicate-search candidates of the rows that create a person, gathered row by row: the matcher's
    coarse keys of their names (each key string held once for the whole file), sex and birth years."""

    def __init__(self) -> None:
        self.rows: list[Candidate] = []
        self._keys: dict[str, str] = {}

    def add(self, row: RowResult) -> None:
        given, other = row_candidate_keys(row.values)
        keys = self._keys
        earliest, latest = birth_earliest(row.values), birth_latest(row.values)
        self.rows.append(
            Candidate(
                number=row.number,
                given=tuple(keys.setdefault(key, key) for key in given),
                other=tuple(keys.setdefault(key, key) for key in other),
                sex=row.values.get("sex", ""),
                born=(earliest.year, latest.year) if earliest and latest else None,
                person_id=row.person_id,
            )
        )

    def without(self, numbers: dict[int, Any]) -> list[Candidate]:
        """The candidates, less the rows in `numbers` (rows with an error found later: no duplicate search)."""
        rows, self.rows, self._keys = self.rows, [], {}
        return [row for row in rows if row.number not in numbers] if numbers else rows

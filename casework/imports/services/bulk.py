"""Set-based writes of the commit: records with their history rows, name keys, the rows' outcome.

On PostgreSQL the large tables are written with COPY (ids drawn from their sequences first, so that the
objects know their primary keys) and the rows' outcome with one UPDATE … FROM unnest(…) per chunk; on
other databases (SQLite in development and tests) with `bulk_create` and `bulk_update`. Same rows either way.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db import connection, models

from casework.core.fields import EncryptedTextField
from casework.imports.checks import row_name_keys
from casework.imports.models import ImportRow
from casework.people.models import PersonNameKey

INSERT_BATCH = 2000


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


# Field types whose Python value psycopg adapts as it is (get_db_prep_save costs a few µs a value, the
# bulk of a COPY's time); other types (JSON, countries…) go through it. Exact types: a subclass may convert.
_PLAIN = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.DateField,
        models.DateTimeField,
        models.UUIDField,
    }
)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """None when the value goes to COPY as it is, else the function that prepares it.

    A value that is not encrypted is prepared once per distinct value (a file repeats its countries, and
    a created record's defaults are the same for every record: "" for a photo, [] for languages…); an
    encrypted one every time, as each encryption must differ (a fresh IV), or a dump would show equal values."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if type(target) in _PLAIN:
        return None

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if isinstance(field, EncryptedTextField):
        return prepare
    prepared: dict[Any, Any] = {}

    def memoised(value: Any) -> Any:
        key = (type(value), value)  # the type too: False == 0, but not as JSON
        try:
            return prepared[key]
        except KeyError:
            result = prepared[key] = prepare(value)
            return result
        except TypeError:  # unhashable (a list, a dict): prepared each time
            return prepare(value)

    return memoised


def _writable(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys drawn from the model's sequence (PostgreSQL).

    The sequence's name is looked up once, in a materialised CTE: `nextval(pg_get_serial_sequence(…))`
    looks it up again for every id (10,000 ids: 190 ms instead of 8 ms, EXPLAIN ANALYZE)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS s)"
            " SELECT nextval(q.s) FROM q, generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _copy_into(model: type[models.Model], fields: list[models.Field]) -> Iterator[Any]:
    """psycopg's COPY … FROM STDIN into the model's table, its columns those of `fields` in that order."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        yield copy


def _copy_rows(model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows of database-ready values (in the order of `fields`) into the model's table."""
    with _copy_into(model, fields) as copy:
        for row in rows:
            copy.write_row(row)


class Defaults:
    """The column values a new object of `model` gets from its constructor (defaults, auto_now fields set
    to `now`), as a dict by attribute name, without building the object: `new(**values)` is the record of
    one object, which `insert` and `create_with_history` write (a model instance costs more than its row)."""

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        self.constant: dict[str, Any] = {}
        self.per_row: list[tuple[str, Callable[[], Any]]] = []
        for f in _writable(model):
            if f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.constant[f.attname] = now
            elif f.has_default() and callable(f.default):
                self.per_row.append((f.attname, f.default))  # e.g. uuid4: one value per object
            else:
                self.constant[f.attname] = f.get_default()

    def new(self, **values: Any) -> dict[str, Any]:
        record = dict(self.constant)
        for name, default in self.per_row:
            record[name] = default()
        record.update(values)
        return record


Record = models.Model | dict[str, Any]


def _fields_of(obj: Record) -> dict[str, Any]:
    """An object's values by attribute name: a record as it is, a model instance's own __dict__."""
    return obj if isinstance(obj, dict) else obj.__dict__


def _values(objs: Sequence[Record], fields: list[models.Field]) -> Iterable[list[Any]]:
    """Each object's values of `fields`, ready for COPY (picked by one `itemgetter`, then the few that need
    preparing prepared)."""
    get = itemgetter(*(f.attname for f in fields))
    single = len(fields) == 1
    converted = [(index, convert) for index, f in enumerate(fields) if (convert := _converter(f)) is not None]
    for obj in objs:
        values = get(_fields_of(obj))
        row = [values] if single else list(values)
        for index, convert in converted:
            row[index] = convert(row[index])
        yield row


def _assign_ids(model: type[models.Model], objs: Sequence[Record]) -> None:
    """Give new objects their primary keys from the model's sequence (PostgreSQL)."""
    pk_name = model._meta.pk.attname
    for obj, pk in zip(objs, _next_ids(model, len(objs)), strict=True):
        _fields_of(obj)[pk_name] = pk
        if not isinstance(obj, dict):
            obj._state.adding = False


def insert(model: type[models.Model], objs: Sequence[Record]) -> list[list[Any]] | None:
    """Insert new objects (model instances or `Defaults` records) and set their primary keys
    (COPY on PostgreSQL, bulk_create elsewhere). On PostgreSQL, returns the rows written (database-ready
    values in the order of the model's writable fields)."""
    if not objs:
        return None
    if not uses_copy():
        pk_name = model._meta.pk.attname
        instances = [model(**obj) if isinstance(obj, dict) else obj for obj in objs]
        model._default_manager.bulk_create(instances, batch_size=INSERT_BATCH)
        for obj, instance in zip(objs, instances, strict=True):
            _fields_of(obj)[pk_name] = instance.pk
        return None
    _assign_ids(model, objs)
    rows = list(_values(objs, _writable(model)))
    _copy_rows(model, _writable(model), rows)
    return rows


def create_with_history(
    objs: Sequence[Record], model: type[models.Model], *, actor: Any, reason: str, now: datetime
) -> None:
    """Insert new objects and one "+" history row each naming the actor and the reason (the batch)."""
    if not objs:
        return
    for obj in objs:
        values = _fields_of(obj)
        for name in ("created_at", "updated_at"):
            if name in values and values[name] is None:
                values[name] = now  # what auto_now(_add) would set, done here because COPY bypasses pre_save
    written = insert(model, objs)
    history_model = model.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    if written is None:
        history = [
            history_model(
                history_date=now,
                history_user_id=actor.pk,
                history_change_reason=reason,
                history_type="+",
                **{name: _fields_of(obj)[name] for name in tracked},
            )
            for obj in objs
        ]
        history_model.objects.bulk_create(history, batch_size=INSERT_BATCH)
        return
    # The history rows from the rows just written (values already prepared for the database: an
    # encrypted field is encrypted once, not again for its history row); no historical instance is built.
    fields = _writable(history_model)
    position = {f.attname: index for index, f in enumerate(_writable(model))}
    fixed = {
        "history_date": now,
        "history_user_id": actor.pk,
        "history_change_reason": reason,
        "history_type": "+",
    }
    history_pk = history_model._meta.pk.attname
    # The COPY's columns in the order of the history row built: its own id, the columns taken from the
    # written row (one itemgetter), then those with a fixed value (None where the model has no such column).
    taken = [f for f in fields if f.attname != history_pk and f.attname not in fixed and f.attname in position]
    rest = [f for f in fields if f.attname != history_pk and (f.attname in fixed or f.attname not in position)]
    pk_field = next(f for f in fields if f.attname == history_pk)
    get = itemgetter(*(position[f.attname] for f in taken))
    tail = tuple(fixed.get(f.attname) for f in rest)
    ids = _next_ids(history_model, len(objs))
    _copy_rows(
        history_model,
        [pk_field, *taken, *rest],
        ((pk, *get(row), *tail) for pk, row in zip(ids, written, strict=True)),
    )


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_name_keys(persons: list[dict[str, Any]], values: dict[int, dict[str, Any]]) -> int:
    """The matcher's name-key rows (`PersonNameKey`) of newly created persons (their records), derived from
    their row's names and aliases (`values[id]`): the rows `person_name_keys_rebuild` writes.

    Derived again here rather than kept from the dry run: stored with each row (tried), they made the dry
    run's CPU 21.9 -> 30.1 s at 100,000 rows (its rows' JSON about twice as long, compressed, written and
    read back) and the bench's commit no faster, its names' analysis being memoised (docs/benchmarks.md)."""
    if not uses_copy():
        entries = [
            PersonNameKey(person_id=p["id"], organisation_id=p["organisation_id"], key=k, kind=t, part=n, script=s)
            for p in persons
            for (n, t, k), s in row_name_keys(values.get(p["id"], {})).items()
        ]
        PersonNameKey.objects.bulk_create(entries, batch_size=INSERT_BATCH)
        return len(entries)
    # On PostgreSQL the COPY's text is built here, a line per key: the person's columns formatted once per
    # person, the key's once per distinct key (a file repeats its names), instead of a row of six values
    # adapted one by one by psycopg (about half a million rows at 100,000 persons). No primary keys drawn
    # first: nothing refers to a name key, so the table's identity default numbers them.
    tails: dict[tuple[str, str, str, str], str] = {}
    lines = []
    for person in persons:
        head = f"{int(person['id'])}\t{int(person['organisation_id'])}\t"
        for (part, kind, key), script in row_name_keys(values.get(person["id"], {})).items():
            entry = (key, kind, part, script)
            tail = tails.get(entry)
            if tail is None:
                tail = tails[entry] = "\t".join(text.translate(_COPY_ESCAPES) for text in entry)
            lines.append(head + tail)
    if not lines:
        return 0
    fields = [
        PersonNameKey._meta.get_field(name) for name in ("person", "organisation", "key", "kind", "part", "script")
    ]
    with _copy_into(PersonNameKey, fields) as copy:
        copy.write("\n".join(lines) + "\n")
    return len(lines)


def save_outcomes(
    rows: list[ImportRow], fields: tuple[str, ...] = ("person", "committed_as", "before", "created_records")
) -> None:
    """Store what the commit did with each row (one statement per chunk on PostgreSQL)."""
    if not rows:
        return
    if not uses_copy():
        ImportRow.objects.bulk_update(rows, list(fields), batch_size=500)
        return
    columns = {
        "person": ("person_id", "bigint", lambda row: row.person_id),
        "committed_as": ("committed_as", "text", lambda row: row.committed_as),
        "before": ("before", "jsonb", lambda row: row.before),
        "created_records": ("created_records", "jsonb", lambda row: row.created_records),
    }
    chosen = [columns[name] for name in fields]
    sets = ", ".join(f"{column} = v.{column}" for column, _type, _get in chosen)
    types = ", ".join(f"{column} {sql_type}" for column, sql_type, _get in chosen)
    # The chunk's outcomes as one JSON array of records (one `json.dumps`, one text parameter), read back
    # by `jsonb_to_recordset`: cheaper for the worker than one array parameter per column, whose elements
    # psycopg adapts one by one, and a JSON text per row for the jsonb columns.
    records = [{"id": row.pk, **{column: get(row) for column, _type, get in chosen}} for row in rows]
    table = ImportRow._meta.db_table
    # The table, column names and types come from the `columns` table above (code, never input); every
    # value is in the one parameter (reviewed: hence the `nosec B608` for bandit).
    sql = f"UPDATE {table} r SET {sets} FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, {types}) WHERE r.id = v.id"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(records, separators=(",", ":"))])

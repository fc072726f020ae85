"""Set-based writes of the commit: records with their history rows, name keys, the rows' outcome.

On PostgreSQL the large tables are written with COPY (ids drawn from their sequences first, so that the
objects know their primary keys) and the rows' outcome with one UPDATE … FROM unnest(…) per chunk; on
other databases (SQLite in development and tests) with `bulk_create` and `bulk_update`. Same rows either way.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

from casework.imports.checks import row_name_keys
from casework.imports.models import ImportRow
from casework.people.models import PersonNameKey

INSERT_BATCH = 2000


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys drawn from the model's sequence (PostgreSQL)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """COPY the objects (primary keys set) into the model's table, every concrete field."""
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    prepare = [(f.attname, f.get_db_prep_save) for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([prep(getattr(obj, attname), connection) for attname, prep in prepare])


def insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert new objects and set their primary keys (COPY on PostgreSQL, bulk_create elsewhere)."""
    if not objs:
        return
    if not uses_copy():
        model._default_manager.bulk_create(objs, batch_size=INSERT_BATCH)
        return
    for obj, pk in zip(objs, _next_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding = False
    _copy(model, objs)


def create_with_history(
    objs: list[models.Model], model: type[models.Model], *, actor: Any, reason: str, now: datetime
) -> None:
    """Insert new objects and one "+" history row each naming the actor and the reason (the batch)."""
    if not objs:
        return
    for obj in objs:
        for name in ("created_at", "updated_at"):
            if hasattr(obj, name) and getattr(obj, name) is None:
                setattr(obj, name, now)  # what auto_now(_add) would set, done here because COPY bypasses pre_save
    insert(model, objs)
    history_model = model.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    history = [
        history_model(
            history_date=now,
            history_user_id=actor.pk,
            history_change_reason=reason,
            history_type="+",
            **{name: getattr(obj, name) for name in tracked},
        )
        for obj in objs
    ]
    insert(history_model, history)


def write_name_keys(persons: list[Any], values: dict[int, dict[str, Any]]) -> int:
    """The matcher's name-key rows (`PersonNameKey`) of newly created persons: the keys the dry run derived
    from their row (`values[person.pk]["_keys"]`), else derived now; the rows `person_name_keys_rebuild` writes."""
    keys = []
    for person in persons:
        row = values.get(person.pk, {})
        entries = row["_keys"] if "_keys" in row else [[*key, script] for key, script in row_name_keys(row).items()]
        for part, kind, key, script in entries:
            keys.append(
                PersonNameKey(
                    person_id=person.pk,
                    organisation_id=person.organisation_id,
                    part=part,
                    kind=kind,
                    key=key,
                    script=script,
                )
            )
    insert(PersonNameKey, keys)
    return len(keys)


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
        "before": ("before", "jsonb", lambda row: json.dumps(row.before)),
        "created_records": ("created_records", "jsonb", lambda row: json.dumps(row.created_records)),
    }
    chosen = [columns[name] for name in fields]
    sets = ", ".join(f"{column} = v.{column}" for column, _type, _get in chosen)
    # jsonb arrives as text[] and is cast per element: psycopg sends a list of str as text[].
    selects = ", ".join(
        f"unnest(%s::text[])::{sql_type} AS {column}"
        if sql_type == "jsonb"
        else f"unnest(%s::{sql_type}[]) AS {column}"
        for column, sql_type, _get in chosen
    )
    params: list[Any] = [[row.pk for row in rows]]
    params += [[get(row) for row in rows] for _column, _type, get in chosen]
    table = ImportRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET {sets} FROM (SELECT unnest(%s::bigint[]) AS id, {selects}) v WHERE r.id = v.id",  # noqa: S608
            params,
        )

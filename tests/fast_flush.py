"""A cheaper reset of the database after each transactional test (`django_db(transaction=True)`, live server, workers).

Django's `TransactionTestCase` empties the database with the `flush` command, which
1. empties every table (on PostgreSQL one TRUNCATE of about 100 tables: a new file for each table and index), and
2. re-emits `post_migrate` (content types, permissions for every app, the role groups: `accounts.roles.sync_roles`)
   to put back the rows that a freshly migrated database has.
On a loaded machine that took 8-30 s per test. This plugin keeps what the flush leaves behind and does less work:
- only the tables that hold rows are emptied; on PostgreSQL with DELETE under `session_replication_role = replica`
  (no triggers: the append-only audit triggers and the foreign key checks are not run; every table ends up empty
  together, so nothing dangles) when the test role may set it (a superuser, as in CI and development), otherwise
  with Django's own TRUNCATE statement;
- the rows `post_migrate` makes are taken once per database, right after the first real flush of the run, and put
  back as they were instead of re-emitting the signal (tables that still hold exactly those rows are left alone).
The state after each flush is the same as with Django's flush: every table empty but the post_migrate rows.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.commands import flush as flush_command
from django.db import connections, transaction

# Per database alias: table -> (column names, rows ordered by all columns), as left by the first real flush.
_snapshots: dict[str, dict[str, tuple[list[str], list[tuple]]]] = {}
# Per database alias: the snapshot tables the current flush empties, to refill afterwards.
_to_restore: dict[str, list[str]] = {}


def _rows(cursor: Any, connection: Any, table: str) -> tuple[list[str], list[tuple]]:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT * FROM {quoted} WHERE 1 = 0")
    columns = [col[0] for col in cursor.description]
    order = ", ".join(str(i) for i in range(1, len(columns) + 1))
    cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
    return columns, [tuple(row) for row in cursor.fetchall()]


def _tables_with_rows(cursor: Any, connection: Any, tables: Sequence[str]) -> list[str]:
    if not tables:
        return []
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)
    cursor.execute(query, list(tables))
    return [row[0] for row in cursor.fetchall()]


def _may_skip_triggers(cursor: Any, connection: Any) -> bool:
    if connection.vendor != "postgresql":
        return False
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def sql_flush(style: Any, connection: Any, reset_sequences: bool = True, allow_cascade: bool = False) -> list[str]:
    """The statements that empty the tables holding rows (replaces `django.core.management.sql.sql_flush`)."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    snapshot = _snapshots.get(connection.alias)
    with connection.cursor() as cursor:
        skip_triggers = not (reset_sequences or allow_cascade) and _may_skip_triggers(cursor, connection)
        if connection.vendor == "postgresql" and not skip_triggers:
            full = list(tables)  # a TRUNCATE must name every table whose foreign keys point to one it names
        else:
            full = _tables_with_rows(cursor, connection, tables)
            if snapshot is not None:
                unchanged = {t for t in snapshot if t in full and _rows(cursor, connection, t) == snapshot[t]}
                full = [table for table in full if table not in unchanged]
        if snapshot is not None:
            _to_restore[connection.alias] = [table for table in snapshot if table in full]
    if not skip_triggers:
        return connection.ops.sql_flush(style, full, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    if not full:
        return []
    quote = connection.ops.quote_name
    return ["SET LOCAL session_replication_role = replica", *(f"DELETE FROM {quote(table)}" for table in full)]


def _restore(alias: str) -> None:
    connection = connections[alias]
    quote = connection.ops.quote_name
    snapshot = _snapshots[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for table in _to_restore.pop(alias, []):
            columns, rows = snapshot[table]
            if rows:
                names = ", ".join(quote(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _take_snapshot(alias: str) -> None:
    connection = connections[alias]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        _snapshots[alias] = {
            table: _rows(cursor, connection, table) for table in _tables_with_rows(cursor, connection, tables)
        }


def make_emit_post_migrate(original: Callable[..., None]) -> Callable[..., None]:
    def emit_post_migrate_signal(verbosity: int, interactive: bool, db: str, **kwargs: Any) -> None:
        if db in _snapshots:
            _restore(db)
            return
        original(verbosity, interactive, db, **kwargs)
        _take_snapshot(db)

    return emit_post_migrate_signal


def install() -> None:
    """Point the flush command at the cheaper steps (for this test process only)."""
    flush_command.sql_flush = sql_flush
    flush_command.emit_post_migrate_signal = make_emit_post_migrate(flush_command.emit_post_migrate_signal)


def pytest_configure(config: Any) -> None:
    install()

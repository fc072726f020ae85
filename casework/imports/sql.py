"""`column = ANY(array)` filters for the dry run's set-based reads.

On PostgreSQL a long `IN (%s, %s, …)` list costs more in the client than in the server: psycopg builds
and parses a statement with a thousand placeholders for every query (too long for its statement cache).
An array is one parameter, so the reads can also take many more values per query. Other databases
(SQLite in development and tests) keep `IN` lists of `SMALL_CHUNK` values.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q

# Values per query: with an array (PostgreSQL), and with an IN list (elsewhere).
ARRAY_CHUNK = 20_000
SMALL_CHUNK = 1000


class _AnyOf(Lookup):
    """`lhs = ANY(%s)` with the values as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def uses_arrays() -> bool:
    return connection.vendor == "postgresql"


def refresh_statistics(model: Any) -> None:
    """Give the planner fresh statistics of `model`'s table after a bulk load (PostgreSQL; a no-op elsewhere).

    Until autovacuum gets to it, a table that just took 100,000 rows still looks nearly empty: the commit's
    keyset reads of the import rows were then planned as a scan of the whole batch for every chunk (about 3 s
    of PostgreSQL CPU at 100,000 rows, docs/benchmarks.md "Commit floor") instead of an index scan."""
    if uses_arrays():
        with connection.cursor() as cursor:
            # The table name comes from the model (code, never input).
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def chunks(values: Sequence[Any], small: int = SMALL_CHUNK) -> Iterator[Sequence[Any]]:
    """`values` in slices of as many as one query takes."""
    size = ARRAY_CHUNK if uses_arrays() else small
    for start in range(0, len(values), size):
        yield values[start : start + size]


def any_of(field: str, values: Sequence[Any]) -> Any:
    """A filter: `field` is one of `values` (an array parameter on PostgreSQL, an IN list elsewhere; no
    values: an empty IN list, which Django answers without a query)."""
    if uses_arrays() and values:
        return _AnyOf(F(field), list(values))
    return Q(**{f"{field}__in": values})

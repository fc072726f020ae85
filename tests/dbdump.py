"""The whole test database as text, for tests that a value is stored nowhere in the clear (or no longer at all)."""

from django.db import connection


def database_dump() -> str:
    """Every cell of every table, as a raw SQL dump would show it."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            cells.extend(str(cell) for row in cursor.fetchall() for cell in row)
    return "\n".join(cells)

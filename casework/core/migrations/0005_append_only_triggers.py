"""Audit events and access events are append-only in the database itself: UPDATE and DELETE are refused.

PostgreSQL only: a row trigger raising an error. TRUNCATE (and dropping the table) stays possible for
the table owner: the trigger guards against the application and against SQL run through it, not
against the database owner. On SQLite (development, tests) the models refuse it instead
(`core.models.AppendOnlyQuerySet`): a SQLite trigger would also refuse the DELETE that Django's test
flush runs between tests.
"""

from django.db import migrations

TABLES = ("core_auditevent", "core_accessevent")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION casework_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'casework: % on % refused, the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(PG_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION casework_append_only()"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS casework_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_access_event"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

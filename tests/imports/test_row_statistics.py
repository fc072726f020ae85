"""After a dry run the import rows' table has fresh planner statistics (PostgreSQL), so that the commit's keyset
reads of the rows are planned as index scans at once instead of a scan of the whole batch per chunk."""

import pytest
from django.db import connection

from casework.imports.models import ImportRow
from tests.imports.files import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _planner_row_count() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [ImportRow._meta.db_table])
        return cursor.fetchone()[0]


def test_the_dry_run_leaves_statistics_of_the_rows_it_stored(dry_run, supervisor_a):
    # The planner's row count of the table is whatever an earlier ANALYZE left (-1 if none: ANALYZE writes it in
    # place, so a rolled-back test's dry run leaves it too); this file's size is one no other test imports.
    size = 137
    assert _planner_row_count() != size
    rows = [["Given name", "Family name", "Sex", "Date of birth"]]
    rows += [[f"Amina{n:03d}", "Haddad", "F", "1985"] for n in range(size)]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))
    assert batch.counts["create"] == size, batch.counts
    assert ImportRow.objects.count() == size
    assert _planner_row_count() == size

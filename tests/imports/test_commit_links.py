"""The commit's family links are written with their chunk when the relative came earlier in the file (the
rows store their outcome once), later otherwise; the history rows of created records are those written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.imports import services
from casework.imports.models import ImportRow
from casework.imports.services import commit as commit_module
from casework.people.models import FamilyLink, Household, Person
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["ID", "Given name", "Family name", "Sex", "Date of birth", "Household", "Mother"]


def _rows_outcome_writes(queries: CaptureQueriesContext) -> int:
    """UPDATEs of the import rows (one statement per chunk on PostgreSQL and for small chunks on SQLite)."""
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("UPDATE IMPORTS_IMPORTROW", 'UPDATE "IMPORTS_IMPORTROW"'))
    )


def _links_of_rows(batch) -> set[int]:
    return {
        pk for records in batch.rows.values_list("created_records", flat=True) for pk in records.get("family_link", [])
    }


def test_links_to_earlier_rows_are_written_with_their_chunk(supervisor_a, dry_run, monkeypatch):
    monkeypatch.setattr(commit_module, "ROW_CHUNK", 3)  # a family a chunk: the mother first
    rows = [HEADERS]
    for n, family in enumerate(("Haddad", "Kaya", "Benali")):
        rows.append([f"M{n}", "Amina", family, "F", "1985", f"H{n}", ""])
        rows += [
            [f"C{n}-{k}", given, family, "M", "2012", f"H{n}", f"M{n}"] for k, given in enumerate(("Yusuf", "Omar"))
        ]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    with CaptureQueriesContext(connection) as queries:
        batch = services.batch_commit(batch=batch, actor=supervisor_a)

    assert _rows_outcome_writes(queries) == 3  # one per chunk: no second write of the rows for their links
    assert FamilyLink.objects.count() == 3 * 2 * 2
    assert _links_of_rows(batch) == set(FamilyLink.objects.values_list("pk", flat=True))


def test_links_to_later_rows_are_written_at_the_end_and_undone(supervisor_a, dry_run, monkeypatch):
    monkeypatch.setattr(commit_module, "ROW_CHUNK", 1)
    rows = [
        HEADERS,
        ["C0", "Yusuf", "Haddad", "M", "2012", "H0", "M0"],  # his mother comes two chunks later
        ["C1", "Omar", "Haddad", "M", "2013", "H0", "M0"],
        ["M0", "Amina", "Haddad", "F", "1985", "H0", ""],
    ]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    batch = services.batch_commit(batch=batch, actor=supervisor_a)

    mother = Person.objects.get(given_name_lat="Amina")
    assert set(FamilyLink.objects.filter(person=mother).values_list("relation", flat=True)) == {"child"}
    assert FamilyLink.objects.filter(relative=mother, relation="mother").count() == 2
    assert _links_of_rows(batch) == set(FamilyLink.objects.values_list("pk", flat=True))
    child_rows = ImportRow.objects.filter(batch=batch, values__external_ref__in=["C0", "C1"])
    assert all(len(row.created_records["family_link"]) == 2 for row in child_rows)

    services.batch_undo(batch=batch, actor=supervisor_a)

    assert not FamilyLink.objects.exists() and not Person.objects.exists() and not Household.objects.exists()


def test_the_history_row_of_a_created_person_holds_its_values(supervisor_a, dry_run):
    rows = [HEADERS, ["M0", "Amina", "Haddad", "F", "1985", "H0", ""]]
    batch = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(rows)), actor=supervisor_a)

    person = Person.objects.get()
    history = person.history.get()
    # (The timestamps too on PostgreSQL; on SQLite `bulk_create` sets them a moment later than the history's.)
    tracked = [f.attname for f in Person.history.model.tracked_fields if f.attname not in ("created_at", "updated_at")]
    assert {name: getattr(history, name) for name in tracked} == {name: getattr(person, name) for name in tracked}
    assert (history.history_type, history.history_user_id, history.history_change_reason) == (
        "+",
        supervisor_a.pk,
        batch.history_reason,
    )
    household = Household.objects.get()
    assert household.history.get().history_change_reason == batch.history_reason

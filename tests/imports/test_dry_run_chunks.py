"""The dry run checks a file a chunk at a time and keeps the checked rows compressed until it stores them:
the rows it stores are those of a single pass over the whole file (links and duplicates across chunks,
errors, counts); the duplicate search's keys are the matcher's; the set-based reads use arrays on
PostgreSQL."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.imports import checks, sql
from casework.imports.checks import row_name_keys
from casework.imports.choices import RowAction
from casework.imports.duplicates import candidate_keys, row_candidate_keys
from casework.imports.rows import RowResult, RowStore
from casework.people.choices import DatePrecision
from casework.people.models import PersonNameKey
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories
from tests.imports.files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["ID", "Given name", "Family name", "الاسم الأول", "Sex", "Date of birth", "Mother", "Father"]
ROWS = [
    HEADERS,
    ["K-1", "Omar", "Haddad", "عمر", "M", "1990", "K-6", ""],  # his mother comes later, in another chunk
    ["K-2", "Amina", "Haddad", "أمينة", "F", "15/03/1985", "", ""],
    ["K-3", "Yusuf", "Haddad", "يوسف", "M", "2010", "K-2", "K-3"],  # his own father
    ["K-4", "Sara", "Kaya", "سارة", "F", "1990", "K-2", ""],  # born when her mother was 5
    ["K-5", "Omar", "Haddad", "عمر", "M", "1991", "K-404", ""],  # no such row
    ["K-6", "Fatima", "Haddad", "فاطمة", "F", "1960", "", ""],
    ["K-7", "Omar", "Hadad", "", "M", "1989", "", ""],  # a duplicate of K-1 and K-5, chunks apart
    ["K-8", "=Amina", "Kaya", "", "X", "1990", "", ""],  # cell errors: not a candidate
    ["K-9", "Amina", "Haddad", "", "F", "about 1986", "", ""],  # a duplicate of K-2 and of the person
]


def _stored(batch) -> list[tuple]:
    return [
        (row.number, row.action, row.values, row.errors, row.warnings, row.changes, row.duplicates, row.person_id)
        for row in batch.rows.order_by("number")
    ]


@pytest.mark.parametrize("make_file", [csv_bytes, lambda rows: xlsx_bytes({"List": rows})], ids=["csv", "xlsx"])
def test_chunks_of_two_rows_store_the_rows_of_one_pass(supervisor_a, org_a, dry_run, monkeypatch, make_file):
    existing = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Amina",
        family_name_lat="Haddad",
        sex="female",
        birth_date=date(1986, 6, 1),
        birth_date_precision=DatePrecision.EXACT,
    )
    person_name_keys_rebuild(person_ids=[existing.pk])
    name = "list.csv" if make_file is csv_bytes else "list.xlsx"

    whole = dry_run(supervisor_a, name, make_file(ROWS))
    monkeypatch.setattr(checks, "SCAN_CHUNK", 2)
    chunked = dry_run(supervisor_a, name, make_file(ROWS))

    assert _stored(chunked) == _stored(whole)
    assert (
        chunked.counts
        == whole.counts
        == {
            "skip": 0,
            "error": 4,
            "create": 5,
            "update": 0,
            "unchanged": 0,
            "duplicates": 4,
        }
    )
    rows = {row.number: row for row in chunked.rows.all()}
    assert rows[2].action == RowAction.CREATE and rows[2].errors == []  # K-6, rows below, is found
    assert [e["message"] for e in rows[4].errors] == ["A person cannot be their own relative."]
    assert "before their mother (row 3) was 12" in rows[5].errors[0]["message"]
    assert "No row with the reference “K-404”" in rows[6].errors[0]["message"]
    assert rows[8].duplicates["rows"] == [2]  # K-5 (row 6) has an error: no duplicate search for it
    assert rows[2].duplicates["rows"] == [8] and rows[3].duplicates["rows"] == [10]
    assert rows[10].duplicates == {"persons": [{"id": existing.pk, "case_number": existing.case_number}], "rows": [3]}
    assert rows[9].action == RowAction.ERROR and rows[9].duplicates == {}


def test_the_duplicate_search_keys_are_the_matchers_coarse_keys_of_the_compared_parts():
    samples = [
        {"given_name_lat": "Omar", "family_name_lat": "Al-Haddad", "father_name_lat": "Abu Ali"},
        {"given_name_ar": "عبد الله", "family_name_ar": "الحداد", "grandfather_name_ar": "محمد"},
        {"given_name_lat": "Fatimah bint Yusuf", "father_name_ar": "فاطمه", "alias": "Umm Khalid", "kunya": "Abu Omar"},
        {"given_name_lat": "", "family_name_lat": "Benali", "grandfather_name_lat": "Kacemi"},
        {"given_name_lat": "Yacine Elamin", "family_name_ar": "ابن تيمية", "father_name_lat": "Fathi"},
        {},
    ]
    for values in samples:
        assert row_candidate_keys(values) == candidate_keys(row_name_keys(values)), values


def test_the_row_store_gives_the_rows_back_once_a_chunk_at_a_time():
    store = RowStore()
    first = [
        RowResult(number=2, values={"given_name_ar": "أمينة", "birth_date": "1990-01-01"}, person_id=7),
        RowResult(number=3, action=RowAction.UPDATE, changes={"sex": ["", "female"]}),
    ]
    first[1].error("B (Given name)", "Too long")
    store.add(first)
    store.add([RowResult(number=4)])
    store.add([])

    chunks = list(store.chunks())

    assert len(store) == 3 and [len(chunk) for chunk in chunks] == [2, 1]
    assert chunks[0] == first and chunks[1] == [RowResult(number=4)]
    assert list(store.chunks()) == []  # read once: the store is emptied as it is read


def test_reads_of_many_values_take_an_array_on_postgresql_and_an_in_list_elsewhere(org_a):
    persons = factories.PersonFactory.create_batch(3, organisation=org_a)
    person_name_keys_rebuild(person_ids=[p.pk for p in persons])
    keys = sorted(set(PersonNameKey.objects.values_list("key", flat=True)))

    with CaptureQueriesContext(connection) as queries:
        found = set(PersonNameKey.objects.filter(sql.any_of("key", keys)).values_list("pk", flat=True))
        by_id = set(PersonNameKey.objects.filter(sql.any_of("pk", sorted(found)[:2])).values_list("pk", flat=True))

    assert found == set(PersonNameKey.objects.filter(key__in=keys).values_list("pk", flat=True)) and len(by_id) == 2
    if connection.vendor == "postgresql":
        assert all("= ANY(" in query["sql"] and " IN (" not in query["sql"] for query in queries)
        assert [len(chunk) for chunk in sql.chunks(list(range(25_000)))] == [20_000, 5_000]
    else:
        assert all(" IN (" in query["sql"] for query in queries)
        assert [len(chunk) for chunk in sql.chunks(list(range(2_500)))] == [1000, 1000, 500]

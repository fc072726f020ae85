"""The commit writes in chunks with a constant number of queries per chunk, and indexes names for the matcher;
possible duplicates come from the matcher's keys (spellings and scripts), in batches."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.imports import services
from casework.imports.services import commit as commit_module
from casework.matching.selectors import rank_candidates
from casework.people.models import FamilyLink, Person, PersonNameKey
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["ID", "Given name", "Family name", "Sex", "Date of birth", "Household", "Mother"]


FAMILY_NAMES = [
    "Haddad",
    "Kaya",
    "Benali",
    "Dupont",
    "Ivanov",
    "Yilmaz",
    "Rahman",
    "Suleiman",
    "Khalil",
    "Nasser",
    "Farouk",
    "Tahir",
    "Mansour",
    "Zaki",
    "Qasim",
    "Jabari",
]


def family_file(families: int, first: int = 0) -> bytes:
    """`families` mothers, each followed by two sons naming her (households of three); no two rows alike."""
    rows = [HEADERS]
    for n, family in enumerate(FAMILY_NAMES[first : first + families], start=first):
        rows.append([f"M{n}", "Amina", family, "F", "1985", f"H{n}", ""])
        rows += [
            [f"C{n}-{k}", given, family, "M", "2012", f"H{n}", f"M{n}"] for k, given in enumerate(("Yusuf", "Omar"))
        ]
    return csv_bytes(rows)


def committed_queries(dry_run, actor, families: int, first: int) -> int:
    batch = dry_run(actor, "list.csv", family_file(families, first))
    assert batch.counts["create"] == families * 3 and not batch.counts["duplicates"], batch.counts
    with CaptureQueriesContext(connection) as queries:
        batch = services.batch_commit(batch=batch, actor=actor)
    assert batch.counts["created"] == families * 3
    return len(queries)


def test_the_commit_costs_a_constant_number_of_queries_per_chunk(supervisor_a, dry_run, monkeypatch):
    monkeypatch.setattr(commit_module, "ROW_CHUNK", 3)  # a family a chunk

    two_chunks = committed_queries(dry_run, supervisor_a, 2, first=0)
    four_chunks = committed_queries(dry_run, supervisor_a, 4, first=2)
    eight_chunks = committed_queries(dry_run, supervisor_a, 8, first=6)

    # Per chunk: read the rows; households (read, insert, history); case numbers (lock, update); persons
    # and history; external references; claims, aliases and documents of updated persons (none here:
    # not read); name keys; the rows' outcome. SQLite splits large inserts by its parameter limit, so
    # the figure is an upper bound, the same for every chunk, whatever the number of rows in it.
    per_chunk = (four_chunks - two_chunks) / 2
    assert eight_chunks - four_chunks == 4 * per_chunk
    assert per_chunk <= 20
    assert FamilyLink.objects.count() == 2 * 2 * (2 + 4 + 8)  # child → mother and mother → child


def test_committed_persons_are_in_the_matchers_index(supervisor_a, dry_run):
    batch = dry_run(supervisor_a, "list.csv", family_file(1))
    services.batch_commit(batch=batch, actor=supervisor_a)

    mother = Person.objects.get(given_name_lat="Amina")
    assert PersonNameKey.objects.filter(person=mother, organisation=mother.organisation_id).exists()
    # The same rows as the people services write.
    written = set(PersonNameKey.objects.filter(person=mother).values_list("part", "kind", "key", "script"))
    person_name_keys_rebuild(person_ids=[mother.pk])
    assert set(PersonNameKey.objects.filter(person=mother).values_list("part", "kind", "key", "script")) == written
    found = rank_candidates(user=supervisor_a, text="Amina Haddad")
    assert found and found[0].person == mother


def test_undo_removes_the_name_keys_of_created_persons(supervisor_a, dry_run):
    batch = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", family_file(1)), actor=supervisor_a)
    assert PersonNameKey.objects.exists()

    services.batch_undo(batch=batch, actor=supervisor_a)

    assert not PersonNameKey.objects.exists() and not Person.objects.exists()


def test_duplicates_are_found_across_spellings_and_scripts_with_the_matchers_keys(supervisor_a, org_a, dry_run):
    existing = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Muhammad",
        father_name_lat="",
        family_name_lat="Haddad",
        given_name_ar="",
        family_name_ar="",
        sex="male",
        birth_date=date(1990, 1, 1),
    )
    other_sex = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Mohamed",
        father_name_lat="",
        family_name_lat="Hadad",
        given_name_ar="",
        family_name_ar="",
        sex="female",
    )
    person_name_keys_rebuild(person_ids=[existing.pk, other_sex.pk])
    rows = [
        ["Given name", "Family name", "Sex", "Date of birth"],
        ["Mohammed", "Haddad", "M", "1991"],  # another spelling of the same name
        ["Mohamed", "Hadad", "M", "1960"],  # same name, thirty years apart: not the same person
        ["Omar", "Kaya", "M", "1980"],
    ]

    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    first, second, third = batch.rows.order_by("number")
    assert first.duplicates["persons"] == [{"id": existing.pk, "case_number": existing.case_number}]
    assert second.duplicates.get("persons", []) == []
    assert third.duplicates == {}


def test_the_duplicate_check_reads_the_index_in_batches_not_per_row(supervisor_a, org_a, dry_run, monkeypatch):
    from casework.imports import duplicates

    persons = factories.PersonFactory.create_batch(30, organisation=org_a)
    person_name_keys_rebuild(person_ids=[p.pk for p in persons])
    monkeypatch.setattr(duplicates, "CHUNK", 1000)
    rows = [["Given name", "Family name"]] + [[p.given_name_lat, p.family_name_lat] for p in persons]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))
    candidates = [
        duplicates.Candidate(number=row.number, given=frozenset({"x"}), other=frozenset({"y"}))
        for row in batch.rows.all()
    ]
    with CaptureQueriesContext(connection) as queries:
        duplicates.find_duplicates(candidates, org_a.pk)
    assert len(queries) == 2  # given-name keys, other keys; no person shares the pair: no person read
    assert batch.counts["duplicates"] == 30

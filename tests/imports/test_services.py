"""Dry run, duplicate decisions, commit, re-import and undo, through the services."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.imports import checks, services, tasks
from casework.imports.choices import BatchStatus, Decision, RowAction
from casework.imports.models import ExternalReference, ImportBatch
from casework.people.choices import DatePrecision, Relation
from casework.people.models import CustodyPeriod, FamilyLink, Household, NationalityClaim, Person
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories
from tests.imports.files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "ID",
    "Given name",
    "Family name",
    "الاسم الأول",
    "Sex",
    "Date of birth",
    "Nationality",
    "Camp",
    "Household",
    "Mother",
]


@pytest.fixture
def roj():
    return factories.FacilityFactory(name="Roj", name_ar="روج")


def family_rows() -> list[list]:
    return [
        HEADERS,
        ["S-1", "Amina", "Haddad", "أمينة", "F", "about 1990", "France", "Roj", "H-7", ""],
        ["S-2", "Yusuf", "Haddad", "يوسف", "ذكر", "03/2015", "FRA", "روج", "H-7", "S-1"],
        ["S-3", "Sara", "Haddad", "سارة", "femme", "15/04/2017", "فرنسا", "Roj", "H-7", "S-1"],
    ]


def test_dry_run_plans_every_row_and_writes_nothing(supervisor_a, roj, dry_run):
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(family_rows()))

    assert batch.status == BatchStatus.CHECKED, batch.file_errors
    assert batch.counts["create"] == 3 and batch.counts["error"] == 0
    assert batch.progress_percent == 100
    row = batch.rows.get(number=2)
    assert row.values["birth_date_precision"] == DatePrecision.RANGE
    assert row.values["nationality"] == "FR" and row.values["facility"] == roj.pk
    assert Person.objects.count() == 0


def test_commit_writes_persons_and_their_records_with_history_and_one_audit_event(supervisor_a, roj, dry_run, org_a):
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(family_rows()))

    batch = services.batch_commit(batch=batch, actor=supervisor_a)

    assert batch.status == BatchStatus.COMMITTED and batch.counts["created"] == 3
    persons = {p.given_name_lat: p for p in Person.objects.filter(organisation=org_a)}
    assert sorted(p.case_number for p in persons.values()) == ["ORGA-000001", "ORGA-000002", "ORGA-000003"]
    amina, yusuf = persons["Amina"], persons["Yusuf"]
    assert (yusuf.birth_date, yusuf.birth_date_precision) == (date(2015, 3, 1), DatePrecision.MONTH)
    assert yusuf.name_search  # derived fields computed as `save()` would
    assert yusuf.household == amina.household == Household.objects.get(reference="H-7")
    assert CustodyPeriod.objects.filter(facility=roj, end_date__isnull=True).count() == 3
    assert NationalityClaim.objects.filter(country="FR", is_primary=True).count() == 3
    assert FamilyLink.objects.filter(person=yusuf, relative=amina, relation=Relation.MOTHER).exists()
    assert FamilyLink.objects.filter(person=amina, relative=yusuf, relation=Relation.CHILD).exists()
    history = amina.history.get()
    assert history.history_user == supervisor_a and history.history_change_reason == batch.history_reason
    assert AuditEvent.objects.filter(action="imports.batch.committed", target_id=str(batch.public_id)).count() == 1
    assert set(ExternalReference.objects.values_list("reference", flat=True)) == {"S-1", "S-2", "S-3"}
    assert set(batch.rows.values_list("person_id", flat=True)) == {p.pk for p in persons.values()}


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"Date of birth": (date.today() + timedelta(days=30)).strftime("%d/%m/%Y")}, "F (Date of birth)", "future"),
        ({"Date of birth": "1850"}, "F (Date of birth)", "impossibly early"),
        ({"Camp": "Atlantis"}, "H (Camp)", "no facility"),
        ({"Nationality": "Narnia"}, "G (Nationality)", "not a country"),
        ({"Mother": "S-99"}, "J (Mother)", "No row with the reference"),
        ({"Given name": "x" * 2001}, "B (Given name)", "2,000"),
        ({"Given name": "Am\u202eina"}, "B (Given name)", "U+202E"),
        ({"Given name": "Ami\u200bna"}, "B (Given name)", "zero-width"),
        ({"Family name": "=cmd|' /C calc'!A0"}, "C (Family name)", "formula"),
        ({"Family name": "@SUM(A1)"}, "C (Family name)", "formula"),
        ({"Date of birth": "2000"}, "F (Date of birth)", "before their mother"),
    ],
)
def test_bad_cells_are_reported_by_row_and_column_and_block_the_commit(
    supervisor_a, roj, dry_run, cells, column, message
):
    rows = family_rows()
    target = rows[3]  # Sara, row 4, whose mother is row 2 (born about 1990)
    for header, value in cells.items():
        target[HEADERS.index(header)] = value
    if "before their mother" in message:
        rows[1][HEADERS.index("Date of birth")] = "1995"
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    row = batch.rows.get(number=4)
    assert row.action == RowAction.ERROR
    assert any(e["column"] == column and message in e["message"] for e in row.errors), row.errors
    with pytest.raises(DomainError, match="1 row has errors"):
        services.batch_commit(batch=batch, actor=supervisor_a)
    assert Person.objects.count() == 0


def test_missing_name_columns_are_a_file_error(supervisor_a, dry_run):
    batch = dry_run(supervisor_a, "list.csv", csv_bytes([["Sex"], ["F"]]), mapping={"Sex": "sex"})

    assert batch.status == BatchStatus.FAILED
    assert "name column" in batch.file_errors[0]


def test_duplicates_against_existing_persons_and_within_the_file_need_a_decision(supervisor_a, org_a, dry_run):
    existing = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Amina",
        father_name_lat="",
        family_name_lat="Haddad",
        birth_date=date(1990, 1, 1),
    )
    person_name_keys_rebuild(person_ids=[existing.pk])  # as the people services do
    rows = [
        ["Given name", "Family name", "Date of birth"],
        ["Amina", "Haddad", "1990"],
        ["amina", "HADDAD", "1991"],
        ["Omar", "Kaya", "1980"],
    ]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    first, second, third = batch.rows.order_by("number")
    assert first.duplicates == {"persons": [{"id": existing.pk, "case_number": existing.case_number}], "rows": [3]}
    assert second.duplicates["rows"] == [2]
    assert third.duplicates == {}
    with pytest.raises(DomainError, match="Settle the possible duplicates first"):
        services.batch_commit(batch=batch, actor=supervisor_a)

    services.row_decide(batch=batch, number=2, decision=Decision.SAME, person=existing, actor=supervisor_a)
    services.row_decide(batch=batch, number=3, decision=Decision.SKIP, actor=supervisor_a)
    batch = services.batch_commit(batch=batch, actor=supervisor_a)

    assert batch.counts["created"] == 1 and batch.counts["updated"] == 1
    assert Person.objects.filter(organisation=org_a).count() == 2
    existing.refresh_from_db()
    assert existing.given_name_lat == "Amina" and existing.birth_date_precision == DatePrecision.YEAR


def test_same_as_existing_accepts_only_a_listed_candidate(supervisor_a, org_a, dry_run):
    amina = factories.PersonFactory(
        organisation=org_a, given_name_lat="Amina", father_name_lat="", family_name_lat="Haddad"
    )
    other = factories.PersonFactory(organisation=org_a)
    person_name_keys_rebuild(person_ids=[amina.pk, other.pk])
    batch = dry_run(supervisor_a, "list.csv", csv_bytes([["Given name", "Family name"], ["Amina", "Haddad"]]))

    with pytest.raises(DomainError, match="Choose one of the existing persons"):
        services.row_decide(batch=batch, number=2, decision=Decision.SAME, person=other, actor=supervisor_a)


def test_reimport_of_the_same_source_updates_by_external_reference(supervisor_a, roj, dry_run, org_a):
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)
    rows = family_rows()
    rows[2][HEADERS.index("Date of birth")] = "20/03/2015"

    again = dry_run(supervisor_a, "list-v2.xlsx", xlsx_bytes({"Roj": rows}))

    assert again.counts["update"] == 1 and again.counts["unchanged"] == 2 and again.counts["create"] == 0
    row = again.rows.get(number=3)
    assert row.changes["birth_date"] == ["2015-03-01", "2015-03-20"]
    assert row.changes["birth_date_precision"] == ["month", "exact"]
    services.batch_commit(batch=again, actor=supervisor_a)
    yusuf = Person.objects.get(given_name_lat="Yusuf")
    assert yusuf.birth_date == date(2015, 3, 20)
    assert Person.objects.filter(organisation=org_a).count() == 3
    assert FamilyLink.objects.count() == 4  # not doubled


def test_another_source_with_the_same_ids_creates_new_persons(supervisor_a, roj, dry_run):
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)

    other = dry_run(supervisor_a, "list.csv", csv_bytes(family_rows()), source="another partner")

    # Same names as the persons just created: possible duplicates, not silent updates.
    assert other.counts["create"] == 3 and other.counts["duplicates"] == 3


def test_a_person_edited_after_the_dry_run_refuses_the_commit(supervisor_a, roj, dry_run):
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)
    rows = family_rows()
    rows[1][1] = "Aminah"
    again = dry_run(supervisor_a, "list.csv", csv_bytes(rows))
    amina = Person.objects.get(given_name_lat="Amina")
    amina.place_of_birth = "Lyon"
    amina.save()

    with pytest.raises(DomainError, match="changed since the dry run"):
        services.batch_commit(batch=again, actor=supervisor_a)
    amina.refresh_from_db()
    assert amina.given_name_lat == "Amina"


def test_undo_removes_created_persons_and_restores_updated_ones(supervisor_a, roj, dry_run, org_a):
    first = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)
    rows = family_rows()
    rows[1][1] = "Aminah"
    rows.append(["S-4", "Omar", "Haddad", "عمر", "M", "2019", "FR", "Roj", "H-8", "S-1"])
    second = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(rows)), actor=supervisor_a)
    assert second.counts["created"] == 1 and second.counts["updated"] == 1

    services.batch_undo(batch=second, actor=supervisor_a)

    assert set(Person.objects.values_list("given_name_lat", flat=True)) == {"Amina", "Yusuf", "Sara"}
    assert not Household.objects.filter(reference="H-8").exists()
    assert FamilyLink.objects.count() == 4
    amina = Person.objects.get(given_name_lat="Amina")
    assert amina.history.first().history_change_reason == f"undo {second.history_reason}"
    assert ImportBatch.objects.get(pk=second.pk).status == BatchStatus.UNDONE

    services.batch_undo(batch=first, actor=supervisor_a)

    assert Person.objects.filter(organisation=org_a).count() == 0
    removed = Person.history.filter(given_name_lat="Yusuf", history_type="-").get()
    assert removed.history_user == supervisor_a and removed.history_change_reason == f"undo {first.history_reason}"
    assert ExternalReference.objects.count() == 0


def test_undo_is_refused_when_a_person_was_since_put_on_a_government_request(supervisor_a, roj, dry_run, org_a):
    batch = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)
    amina = Person.objects.get(given_name_lat="Amina")
    request = factories.GovernmentRequestFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=request, person=amina)

    with pytest.raises(DomainError, match=f"{amina.case_number} has since been put on a government request"):
        services.batch_undo(batch=batch, actor=supervisor_a)
    assert Person.objects.count() == 3


def test_a_caseworker_without_the_permission_cannot_import(caseworker_a):
    with pytest.raises(PermissionDenied):
        services.batch_upload(upload=mock.Mock(name="f"), actor=caseworker_a)


def test_the_dry_run_reads_persons_in_batches_not_per_row(
    supervisor_a, org_a, roj, dry_run, django_assert_max_num_queries
):
    factories.PersonFactory.create_batch(5, organisation=org_a)
    rows = [HEADERS] + [
        [f"S-{n}", f"Name{n}", "Haddad", "", "F", "1990", "FR", "Roj", f"H-{n}", ""] for n in range(300)
    ]
    batch = services.batch_upload(
        upload=__import__("tests.imports.files", fromlist=["upload"]).upload("l.csv", csv_bytes(rows)),
        actor=supervisor_a,
        source="s",
    )
    services.batch_set_mapping(
        batch=batch,
        actor=supervisor_a,
        sheet_name="",
        header_row=1,
        mapping=dict(
            zip(
                HEADERS,
                [
                    "external_ref",
                    "given_name_lat",
                    "family_name_lat",
                    "given_name_ar",
                    "sex",
                    "birth_date",
                    "nationality",
                    "facility",
                    "household",
                    "mother",
                ],
                strict=True,
            )
        ),
        value_maps={},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)

    # claim, load batch and uploader, reference data (facilities, sections, users, references), persons
    # (one chunk and the empty one that ends the scan), progress, lock, delete and insert the rows (SQLite
    # splits the 300-row insert into 5 by its parameter limit), save: 21 here, never one per row.
    with django_assert_max_num_queries(22):
        services.batch_run_dry_run(batch_id=batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).counts["create"] == 300


def test_a_cancelled_dry_run_stops_and_writes_no_rows(supervisor_a, roj, monkeypatch):
    monkeypatch.setattr(checks, "PROGRESS_EVERY", 1)
    batch = services.batch_upload(
        upload=__import__("tests.imports.files", fromlist=["upload"]).upload("l.csv", csv_bytes(family_rows())),
        actor=supervisor_a,
    )
    services.batch_set_mapping(
        batch=batch,
        actor=supervisor_a,
        sheet_name="",
        header_row=1,
        mapping={"Given name": "given_name_lat"},
        value_maps={},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    services.batch_cancel(batch=batch, actor=supervisor_a)
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.CANCELLED

    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED, cancel_requested=True)
    services.batch_run_dry_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED and batch.rows.count() == 0


def test_uploaded_files_are_deleted_after_the_retention_period(
    supervisor_a, roj, dry_run, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.IMPORTS_FILE_RETENTION_DAYS = 30
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(family_rows()))
    path = batch.file.path
    assert oct(__import__("os").stat(__import__("os").path.dirname(path)).st_mode & 0o777) == "0o750"

    time_machine.move_to(batch.created_at + timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.delete_expired_import_files() == 1
        assert tasks.delete_expired_import_files() == 0

    batch.refresh_from_db()
    assert not batch.file and batch.file_deleted_at is not None
    assert not __import__("os").path.exists(path)


def test_merged_and_formula_cells_are_row_errors_and_nothing_is_written(supervisor_a, dry_run):
    rows = [
        ["Given name", "Family name", "Ref"],
        ["Amina", "Haddad", "a"],
        ['=UPPER("x")', "Kaya", "b"],
        ["Sara", "x", "c"],
    ]
    data = xlsx_bytes({"List": rows}, merge="B4:C4")

    batch = dry_run(
        supervisor_a, "list.xlsx", data, mapping={"Given name": "given_name_lat", "Family name": "family_name_lat"}
    )

    errors = {row.number: row.errors for row in batch.rows.filter(action=RowAction.ERROR)}
    assert errors[3] == [
        {"column": "A", "message": "This cell holds a formula: formulas are not evaluated. Paste its value instead."}
    ]
    assert errors[4][0]["column"] == "B" and "Merged cells B4:C4" in errors[4][0]["message"]
    with pytest.raises(DomainError):
        services.batch_commit(batch=batch, actor=supervisor_a)
    assert Person.objects.count() == 0


def test_a_file_that_cannot_be_read_any_more_fails_the_dry_run_with_its_reason(supervisor_a, dry_run):
    data = xlsx_bytes({"List": [["Given name"], ["Amina"]], "Old": [["Given name"], ["Omar"]]}, hidden=("Old",))

    batch = dry_run(supervisor_a, "list.xlsx", data, sheet="Old", mapping={"Given name": "given_name_lat"})

    assert batch.status == BatchStatus.FAILED
    assert batch.file_errors == ["The sheet “Old” is hidden: unhide it in your spreadsheet first."]
    assert batch.rows.count() == 0


def test_undo_is_refused_when_records_were_added_to_a_created_person(supervisor_a, roj, dry_run):
    batch = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(family_rows())), actor=supervisor_a)
    sara = Person.objects.get(given_name_lat="Sara")
    factories.IdentityDocumentFactory(person=sara)

    with pytest.raises(DomainError, match=f"{sara.case_number} has records added since the import"):
        services.batch_undo(batch=batch, actor=supervisor_a)

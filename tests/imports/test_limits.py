"""What an import can carry beyond names: claim statuses, document types, child and sibling links; the undo
task; the mapping page's sample of a large file; the navigation link."""

from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from casework.imports import services
from casework.imports.choices import BatchStatus
from casework.imports.readers import read_table
from casework.imports.tasks import undo_import
from casework.people.choices import ClaimStatus, DocumentType, Relation
from casework.people.models import FamilyLink, IdentityDocument, NationalityClaim, Person
from tests import factories
from tests.imports.files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_nationality_claims_keep_the_status_the_source_gives(supervisor_a, dry_run):
    rows = [
        ["Given name", "Family name", "Nationality", "Nationality status"],
        ["Amina", "Haddad", "FR", "Confirmed"],
        ["Omar", "Kaya", "TR", "قيد التحقق"],
        ["Sara", "Benali", "MA", ""],
        ["Yusuf", "Dupont", "", "confirmée"],
    ]
    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    assert batch.counts["error"] == 1
    error = batch.rows.get(number=5)
    assert "needs the nationality" in error.errors[0]["message"]

    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows[:4]))
    services.batch_commit(batch=batch, actor=supervisor_a)
    statuses = dict(NationalityClaim.objects.values_list("person__given_name_lat", "status"))
    assert statuses == {
        "Amina": ClaimStatus.CONFIRMED,
        "Omar": ClaimStatus.UNDER_VERIFICATION,
        "Sara": ClaimStatus.CLAIMED,
    }
    assert NationalityClaim.objects.get(status=ClaimStatus.CONFIRMED).status_changed_on is not None


def test_an_unknown_claim_status_is_a_cell_error_unless_mapped(supervisor_a, dry_run):
    rows = [["Given name", "Nationality", "Nationality status"], ["Amina", "FR", "OK!"]]

    refused = dry_run(supervisor_a, "list.csv", csv_bytes(rows))
    mapped = dry_run(
        supervisor_a, "list.csv", csv_bytes(rows), value_maps={"claim_status": {"OK!": ClaimStatus.CONFIRMED}}
    )

    assert "not a nationality claim status" in refused.rows.get().errors[0]["message"]
    assert mapped.counts["error"] == 0 and mapped.rows.get().values["claim_status"] == ClaimStatus.CONFIRMED


def test_identity_documents_of_other_kinds_than_passports(supervisor_a, dry_run):
    rows = [
        ["Given name", "Document number", "Document type"],
        ["Amina", "P123", ""],
        ["Omar", "ID-77", "carte d'identité"],
        ["Sara", "BC-1", "شهادة ميلاد"],
    ]
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(rows)), actor=supervisor_a)

    kinds = dict(IdentityDocument.objects.values_list("number", "document_type"))
    assert kinds == {
        "P123": DocumentType.PASSPORT,
        "ID-77": DocumentType.NATIONAL_ID,
        "BC-1": DocumentType.BIRTH_CERTIFICATE,
    }


def test_child_and_sibling_columns_link_both_ways(supervisor_a, dry_run):
    rows = [
        ["ID", "Given name", "Family name", "Sex", "Child", "Sibling"],
        ["P1", "Amina", "Haddad", "F", "P2", ""],
        ["P2", "Yusuf", "Haddad", "M", "", "P3"],
        ["P3", "Sara", "Haddad", "F", "", ""],
    ]
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(rows)), actor=supervisor_a)

    links = set(FamilyLink.objects.values_list("person__given_name_lat", "relative__given_name_lat", "relation"))
    assert links == {
        ("Amina", "Yusuf", Relation.CHILD),
        ("Yusuf", "Amina", Relation.MOTHER),  # the inverse of "child" by the parent's sex
        ("Yusuf", "Sara", Relation.SIBLING),
        ("Sara", "Yusuf", Relation.SIBLING),
    }


def test_a_sibling_that_is_not_in_the_file_is_a_row_error(supervisor_a, dry_run):
    rows = [["ID", "Given name", "Sibling"], ["P1", "Amina", "P9"]]

    batch = dry_run(supervisor_a, "list.csv", csv_bytes(rows))

    assert batch.counts["error"] == 1 and "No row with the reference" in batch.rows.get().errors[0]["message"]


def test_the_undo_task_refuses_with_the_reasons_when_work_depends_on_the_import(supervisor_a, dry_run, org_a):
    rows = [["ID", "Given name", "Family name"], ["P1", "Amina", "Haddad"]]
    batch = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", csv_bytes(rows)), actor=supervisor_a)
    with mock.patch("casework.imports.tasks.undo_import.delay") as delay:
        services.batch_queue_undo(batch=batch, actor=supervisor_a)
    assert batch.__class__.objects.get(pk=batch.pk).status == BatchStatus.UNDOING
    # Between the request and the task, the person is put on a government request.
    request = factories.GovernmentRequestFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=request, person=Person.objects.get(given_name_lat="Amina"))

    undo_import(batch.pk, supervisor_a.pk)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert "government request" in batch.file_errors[0]
    assert Person.objects.filter(given_name_lat="Amina").exists()
    delay.assert_not_called()  # sent on commit only


@pytest.mark.parametrize("name", ["big.csv", "big.xlsx"])
def test_the_mapping_page_reads_only_a_sample_of_a_large_file(tmp_path, name):
    rows = [["Given name", "Family name"]] + [[f"Name{n}", "Haddad"] for n in range(50)]
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"List": rows}))

    sample = read_table(Path(path), name, sample=10)
    whole = read_table(Path(path), name)

    assert sample.headers == whole.headers == ["Given name", "Family name"]
    assert [number for number, _cells in sample.rows] == list(range(2, 12))
    assert len(whole.rows) == 50


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_row_numbers_and_column_letters(tmp_path):
    path = tmp_path / "offset.xlsx"
    path.write_bytes(xlsx_bytes({"List": [[], [], ["", "", "Given name"], ["", "", "Amina"]]}))

    table = read_table(path, "offset.xlsx", header_row=3)

    assert table.headers == ["", "", "Given name"] and table.rows == [(4, ["", "", "Amina"])]


def test_the_navigation_shows_imports_to_those_who_may_import(client_for, supervisor_a, caseworker_a):
    link = reverse("imports:batch_list")

    assert f'href="{link}"' in client_for(supervisor_a).get(reverse("home")).content.decode()
    assert f'href="{link}"' not in client_for(caseworker_a).get(reverse("home")).content.decode()

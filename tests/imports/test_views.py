"""The import pages: upload → mapping → dry run → duplicates → commit → undo, progress, scoping, template/export."""

from datetime import date
from io import BytesIO
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from casework.imports import services, spreadsheets
from casework.imports.choices import BatchStatus
from casework.imports.models import ImportBatch, MappingTemplate
from casework.people.models import Person
from tests import factories
from tests.imports.files import csv_bytes, upload, xlsx_bytes
from tests.imports.people import omar_kaya_on_file

pytestmark = pytest.mark.django_db

ROWS = [
    ["Prénom", "Nom de famille", "الجنس", "Date de naissance", "Camp"],
    ["Amina", "Haddad", "2", "vers 1990", "Camp Roj"],
    ["Omar", "Kaya", "ذكر", "15/03/1985", "Roj"],
]


@pytest.fixture
def roj():
    return factories.FacilityFactory(name="Roj")


def _upload(client, data: bytes | None = None, name: str = "list.csv"):
    return client.post(
        reverse("imports:batch_upload"), {"file": upload(name, data or csv_bytes(ROWS)), "source": "NGO list"}
    )


def _mapping_post(client, batch, **extra):
    data = {"sheet_name": "", "header_row": 1, "encoding": "", "col_0": "given_name_lat", "col_1": "family_name_lat"}
    data |= {"col_2": "sex", "col_3": "birth_date", "col_4": "facility"}
    data |= extra
    return client.post(reverse("imports:batch_mapping", args=[batch.public_id]), data)


def test_upload_guesses_the_columns_and_lists_the_unknown_values(client_for, supervisor_a, roj):
    client = client_for(supervisor_a)

    response = _upload(client)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    form = page.context["form"]
    assert [form.initial[f"col_{i}"] for i in range(5)] == [
        "given_name_lat",
        "family_name_lat",
        "sex",
        "birth_date",
        "facility",
    ]
    assert [(key, value) for _name, key, value in form.value_fields] == [("sex", "2"), ("facility", "Camp Roj")]


def test_a_refused_upload_says_why_and_stores_nothing(client_for, supervisor_a, settings):
    settings.IMPORTS_MAX_FILE_SIZE = 10
    client = client_for(supervisor_a)

    response = _upload(client)

    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_mapping_dry_run_decision_commit_and_undo_through_the_pages(
    client_for, supervisor_a, org_a, roj, django_capture_on_commit_callbacks
):
    existing = omar_kaya_on_file(org_a)
    client = client_for(supervisor_a)
    _upload(client)
    batch = ImportBatch.objects.get()
    values = {"src_0": "sex\x1f2", "val_0": "female", "src_1": "facility\x1fCamp Roj", "val_1": str(roj.public_id)}

    with (
        mock.patch("casework.imports.tasks.check_import.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _mapping_post(client, batch, dry_run="1", save_as="NGO standard", **values)
    assert response.status_code == 302
    delay.assert_called_once_with(batch.pk)
    assert MappingTemplate.objects.get(name="NGO standard").value_maps == {
        "sex": {"2": "female"},
        "facility": {"Camp Roj": str(roj.public_id)},
    }
    running = client.get(batch.get_absolute_url())
    assert b'id="progress"' in running.content
    services.batch_run_dry_run(batch_id=batch.pk)

    progress = client.get(reverse("imports:batch_progress", args=[batch.public_id]), headers={"HX-Request": "true"})
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert b"100 %" in progress.content
    report = client.get(batch.get_absolute_url())
    assert report.context["undecided"] == 1
    assert existing.case_number in report.content.decode()

    client.post(reverse("imports:row_decide", args=[batch.public_id, 3]), {"decision": f"same:{existing.public_id}"})
    with (
        mock.patch("casework.imports.tasks.commit_import.delay") as commit,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("imports:batch_commit", args=[batch.public_id]))
    commit.assert_called_once_with(batch.pk, supervisor_a.pk)
    from casework.imports.tasks import commit_import

    commit_import(batch.pk, supervisor_a.pk)
    commit_import(batch.pk, supervisor_a.pk)  # a second delivery does nothing
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.counts["created"] == 1 and batch.counts["updated"] == 1
    amina = Person.objects.get(given_name_lat="Amina")
    assert amina.sex == "female" and amina.custody_periods.get().facility == roj

    # Undo runs in the worker too: the request only queues it.
    with (
        mock.patch("casework.imports.tasks.undo_import.delay") as undo,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("imports:batch_undo", args=[batch.public_id]))
    assert response.status_code == 302
    undo.assert_called_once_with(batch.pk, supervisor_a.pk)
    assert Person.objects.filter(given_name_lat="Amina").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.UNDOING
    from casework.imports.tasks import undo_import

    undo_import(batch.pk, supervisor_a.pk)
    undo_import(batch.pk, supervisor_a.pk)  # a second delivery does nothing
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.UNDONE
    assert not Person.objects.filter(given_name_lat="Amina").exists()
    assert Person.objects.filter(pk=existing.pk).exists()


def test_the_progress_endpoint_reports_percent_and_rate_while_running(client_for, supervisor_a):
    batch = services.batch_upload(upload=upload("l.csv", csv_bytes(ROWS)), actor=supervisor_a)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.CHECKING, progress_percent=42, rows_per_second=1234, rows_total=9000
    )
    client = client_for(supervisor_a)

    response = client.get(reverse("imports:batch_progress", args=[batch.public_id]), headers={"HX-Request": "true"})

    assert response.status_code == 200 and "HX-Refresh" not in response
    content = response.content.decode()
    # A native <progress> (its value is exposed to assistive technology; no inline width style for the CSP).
    assert 'max="100" value="42"' in content and "1234" in content and 'hx-trigger="every 1s"' in content


def test_another_organisations_import_is_a_404_on_every_page(client_for, supervisor_a, supervisor_b):
    batch = services.batch_upload(upload=upload("l.csv", csv_bytes(ROWS)), actor=supervisor_a)
    client = client_for(supervisor_b)

    for name in ("batch_detail", "batch_progress"):
        assert client.get(reverse(f"imports:{name}", args=[batch.public_id])).status_code == 404
    for name in ("batch_mapping", "batch_cancel", "batch_commit", "batch_undo"):
        assert client.post(reverse(f"imports:{name}", args=[batch.public_id])).status_code == 404
    assert client.post(reverse("imports:row_decide", args=[batch.public_id, 2])).status_code == 404
    assert batch.public_id.hex not in client.get(reverse("imports:batch_list")).content.decode().replace("-", "")


def test_a_caseworker_gets_403_before_any_lookup(client_for, caseworker_a):
    client = client_for(caseworker_a)

    assert client.get(reverse("imports:batch_list")).status_code == 403


def test_the_blank_template_has_lists_and_instructions_in_three_languages(client_for, supervisor_a, roj):
    response = client_for(supervisor_a).get(reverse("imports:template_download"))

    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Persons", "Lists", "Instructions"]
    persons = workbook["Persons"]
    assert [c.value for c in persons[1]] == spreadsheets.headers()
    formulas = {v.formula1 for v in persons.data_validations.dataValidation}
    assert len(formulas) == 3 and all(f.startswith("=Lists!") for f in formulas)
    assert [c.value for c in workbook["Instructions"][1]] == ["English", "Français", "العربية"]


def test_export_then_import_of_unchanged_data_reports_nothing_to_change(client_for, supervisor_a, org_a, roj, dry_run):
    for precision, born in (("year", date(1990, 1, 1)), ("month", date(1991, 3, 1)), ("exact", date(1992, 4, 5))):
        person = factories.PersonFactory(
            organisation=org_a, birth_date=born, birth_date_precision=precision, assigned_to=supervisor_a
        )
        factories.CustodyPeriodFactory(person=person, facility=roj)
        factories.NationalityClaimFactory(person=person, country="FR")
    factories.PersonFactory(
        organisation=org_a,
        birth_date=None,
        birth_date_precision="range",
        birth_date_earliest=date(1980, 2, 1),
        birth_date_latest=date(1983, 5, 1),
    )
    exported = client_for(supervisor_a).get(reverse("imports:person_export")).content

    batch = dry_run(supervisor_a, "persons.xlsx", exported)

    assert batch.status == BatchStatus.CHECKED, batch.file_errors
    assert batch.counts["unchanged"] == 4, list(batch.rows.values("number", "action", "changes", "errors"))
    assert batch.counts["create"] == batch.counts["update"] == batch.counts["error"] == 0
    page = client_for(supervisor_a).get(batch.get_absolute_url())
    assert b'id="nothing-to-change"' in page.content


def test_the_report_is_written_in_the_uploaders_language(supervisor_a, dry_run):
    supervisor_a.language = "fr"
    supervisor_a.save()
    rows = [["Prénom", "Date de naissance"], ["Amina", "01/01/2999"]]

    batch = dry_run(supervisor_a, "l.xlsx", xlsx_bytes({"S": rows}))

    assert batch.rows.get().errors == [
        {"column": "B (Date de naissance)", "message": "La date de naissance est dans le futur."}
    ]


def test_an_xlsx_dry_run_starts_from_the_first_visible_sheet(
    client_for, supervisor_a, django_capture_on_commit_callbacks
):
    client = client_for(supervisor_a)
    _upload(client, xlsx_bytes({"Roj": ROWS}), name="list.xlsx")
    batch = ImportBatch.objects.get()

    with (
        mock.patch("casework.imports.tasks.check_import.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _mapping_post(client, batch, sheet_name="Roj", dry_run="1")

    delay.assert_called_once_with(batch.pk)
    batch.refresh_from_db()
    assert batch.sheet_name == "Roj" and batch.mapping["Prénom"] == "given_name_lat"

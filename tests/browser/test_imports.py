"""Import in the browser, in English and in Arabic: upload → mapping → dry run (progress) → settle a
duplicate → commit → undo. The worker is played by the test: it runs the tasks the pages queued."""

from unittest import mock

import pytest

from casework.imports import tasks
from casework.imports.models import ImportBatch
from casework.people.models import Person
from tests import factories
from tests.imports.files import xlsx_bytes
from tests.imports.people import omar_kaya_on_file

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

ROWS = [
    ["Given name", "Family name", "الاسم الأول", "Sex", "Date of birth"],
    ["Amina", "Haddad", "أمينة", "F", "about 1990"],
    ["Omar", "Kaya", "عمر", "ذكر", "15/03/1985"],
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_upload_map_dry_run_settle_commit_and_undo(page, login, screenshot, org_a, settings, tmp_path, language):
    settings.IMPORTS_FILE_ROOT = tmp_path
    supervisor = factories.UserFactory(
        username=f"importer_{language}", organisation=org_a, role="supervisor", language=language
    )
    existing = omar_kaya_on_file(org_a)
    queued: list[tuple] = []

    def worker_runs_queued_tasks() -> None:
        while queued:
            task, args = queued.pop(0)
            task(*args)

    with (
        mock.patch.object(tasks.check_import, "delay", side_effect=lambda *a: queued.append((tasks.check_import, a))),
        mock.patch.object(tasks.commit_import, "delay", side_effect=lambda *a: queued.append((tasks.commit_import, a))),
        mock.patch.object(tasks.undo_import, "delay", side_effect=lambda *a: queued.append((tasks.undo_import, a))),
    ):
        login(page, supervisor, next_url="/imports/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.locator("#id_file").set_input_files(
            files=[{"name": "camp-list.xlsx", "mimeType": XLSX, "buffer": xlsx_bytes({"Roj": ROWS})}]
        )
        page.locator("#upload-form button[type=submit]").click()

        expect(page.locator("#mapping-form")).to_be_visible()
        expect(page.locator("#id_col_2")).to_have_value("given_name_ar")
        screenshot(page, f"import-mapping-{language}")
        page.locator("#start-dry-run").click()
        expect(page.locator("#progress")).to_be_visible()
        worker_runs_queued_tasks()
        # htmx polls the progress and reloads the page when the dry run is done.
        expect(page.locator("#batch-status")).to_have_attribute("data-status", "checked")
        expect(page.locator("[data-count=create]")).to_have_text("2")
        expect(page.locator("#commit-form button")).to_be_disabled()
        screenshot(page, f"import-report-{language}")

        page.locator("#decision-3").select_option(f"same:{existing.public_id}")
        page.locator("#row-3 button[type=submit]").click()
        expect(page.locator("#row-3")).to_have_attribute("data-decision", "same")
        page.locator("#commit-form button").click()
        expect(page.locator("#batch-status")).to_have_attribute("data-status", "committing")
        worker_runs_queued_tasks()
        expect(page.locator("#batch-status")).to_have_attribute("data-status", "committed")
        assert Person.objects.filter(organisation=org_a).count() == 2
        screenshot(page, f"import-committed-{language}")

        page.locator("#undo-form button").click()
        expect(page.locator("#batch-status")).to_have_attribute("data-status", "undoing")
        worker_runs_queued_tasks()
        expect(page.locator("#batch-status")).to_have_attribute("data-status", "undone")

    assert ImportBatch.objects.get().counts["created"] == 1
    assert list(Person.objects.filter(organisation=org_a)) == [existing]

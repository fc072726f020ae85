"""Fixtures of the import tests: private file storage in a temporary folder, a helper that runs a dry run."""

from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from casework.imports import services
from casework.imports.mapping import guess_mapping
from casework.imports.models import ImportBatch
from casework.imports.readers import read_table
from tests.imports.files import upload


@pytest.fixture(autouse=True)
def _import_files(settings, tmp_path):
    settings.IMPORTS_FILE_ROOT = tmp_path / "imports"


@pytest.fixture
def dry_run(django_capture_on_commit_callbacks):
    """Upload `data` as `name`, map it (guessed unless given) and run the dry run in-process; the batch, reloaded."""

    def run(
        actor: Any,
        name: str,
        data: bytes,
        *,
        mapping: dict[str, str] | None = None,
        value_maps: dict | None = None,
        source: str = "partner list",
        sheet: str = "",
        header_row: int = 1,
    ) -> ImportBatch:
        batch = services.batch_upload(upload=upload(name, data), actor=actor, source=source)
        if mapping is None:
            table = read_table(Path(batch.file.path), name, sheet=sheet, header_row=header_row)
            mapping = guess_mapping(table.headers)
        services.batch_set_mapping(
            batch=batch,
            actor=actor,
            sheet_name=sheet,
            header_row=header_row,
            mapping=mapping,
            value_maps=value_maps or {},
        )
        with (
            mock.patch("casework.imports.tasks.check_import.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.batch_queue_dry_run(batch=batch, actor=actor)
        delay.assert_called_once_with(batch.pk)
        services.batch_run_dry_run(batch_id=batch.pk)
        return ImportBatch.objects.get(pk=batch.pk)

    return run

"""The import_persons management command."""

import pytest
from django.core.management import CommandError, call_command

from casework.imports.models import ImportBatch, MappingTemplate
from casework.people.models import Person
from tests.imports.files import csv_bytes, write

pytestmark = pytest.mark.django_db

ROWS = [["Given name", "Family name", "Born"], ["Amina", "Haddad", "1990"], ["Omar", "Kaya", "03/1985"]]
MAPPING = {"Given name": "given_name_lat", "Family name": "family_name_lat", "Born": "birth_date"}


@pytest.fixture
def template(org_a):
    return MappingTemplate.objects.create(organisation=org_a, name="partner", mapping=MAPPING)


def test_dry_run_reports_and_writes_no_person(tmp_path, supervisor_a, template, capsys):
    path = write(tmp_path, "list.csv", csv_bytes(ROWS))

    call_command("import_persons", str(path), organisation="ORGA", mapping="partner", dry_run=True)

    out = capsys.readouterr().out
    assert "create 2" in out and "Dry run: nothing written." in out
    assert Person.objects.count() == 0


def test_commit_imports_as_the_organisations_supervisor(tmp_path, supervisor_a, template, capsys):
    path = write(tmp_path, "list.csv", csv_bytes(ROWS))

    call_command("import_persons", str(path), organisation="ORGA", mapping="partner")

    assert "2 created" in capsys.readouterr().out
    assert ImportBatch.objects.get().created_by == supervisor_a
    assert Person.objects.filter(organisation__code="ORGA").count() == 2


def test_errors_are_listed_by_row_and_column_and_stop_the_import(tmp_path, supervisor_a, template, capsys):
    path = write(tmp_path, "list.csv", csv_bytes([*ROWS, ["Sara", "Haddad", "1850"]]))

    with pytest.raises(CommandError, match="1 row has errors"):
        call_command("import_persons", str(path), organisation="ORGA", mapping="partner")

    assert "row 4, C (Born): The date of birth is impossibly early." in capsys.readouterr().out
    assert Person.objects.count() == 0


def test_unknown_mapping_or_organisation(tmp_path, supervisor_a, template):
    path = write(tmp_path, "list.csv", csv_bytes(ROWS))

    with pytest.raises(CommandError, match="no saved mapping"):
        call_command("import_persons", str(path), organisation="ORGA", mapping="nope")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_persons", str(path), organisation="NOPE", mapping="partner")

"""An import that updates a person is a change of the person like any other: an edit page opened before the
commit (or before its undo) and saved after it is refused, instead of silently writing its older values back."""

import pytest

from casework.imports import services
from casework.people import services as people_services
from casework.people.models import Person
from tests import factories
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["ID", "Given name", "Family name", "Sex", "Date of birth", "Nationality", "Camp"]


@pytest.fixture
def roj():
    return factories.FacilityFactory(name="Roj", name_ar="روج")


def rows(given_name: str) -> bytes:
    return csv_bytes([HEADERS, ["S-1", given_name, "Haddad", "F", "about 1990", "France", "Roj"]])


def test_a_person_form_built_before_an_import_updated_the_person_is_refused(supervisor_a, caseworker_a, roj, dry_run):
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", rows("Amina")), actor=supervisor_a)
    form_instance = Person.objects.get(given_name_lat="Amina")  # what the edit page was built from
    form_instance.notes = "seen at the clinic"

    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", rows("Aminah")), actor=supervisor_a)

    with pytest.raises(people_services.ConcurrentEditError):
        people_services.person_update(
            person=form_instance, actor=caseworker_a, expected_updated_at=form_instance.updated_at
        )
    assert Person.objects.get(pk=form_instance.pk).given_name_lat == "Aminah"


def test_a_person_form_built_before_an_undo_restored_the_person_is_refused(supervisor_a, caseworker_a, roj, dry_run):
    services.batch_commit(batch=dry_run(supervisor_a, "list.csv", rows("Amina")), actor=supervisor_a)
    second = services.batch_commit(batch=dry_run(supervisor_a, "list.csv", rows("Aminah")), actor=supervisor_a)
    form_instance = Person.objects.get(given_name_lat="Aminah")
    form_instance.notes = "seen at the clinic"

    services.batch_undo(batch=second, actor=supervisor_a)

    with pytest.raises(people_services.ConcurrentEditError):
        people_services.person_update(
            person=form_instance, actor=caseworker_a, expected_updated_at=form_instance.updated_at
        )
    assert Person.objects.get(pk=form_instance.pk).given_name_lat == "Amina"

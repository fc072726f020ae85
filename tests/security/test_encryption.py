"""L3 free text and results are encrypted at rest, in their tables and their history copies; keys rotate."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from casework.core import crypto, rekey
from casework.core.history import save_with_history
from casework.core.models import KeyRotationCheckpoint
from casework.people.models import Assessment, CustodyPeriod, DnaTest, Person
from casework.screenings.models import Screening
from tests import factories
from tests.dbdump import database_dump

pytestmark = pytest.mark.django_db

SECRETS = {
    "health": "SECRET-HEALTH-asthma",
    "child": "SECRET-CHILD-unaccompanied",
    "findings": "SECRET-FINDINGS-interrogated",
    "location": "SECRET-LOCATION-block-9",
    "dna": "SECRET-DNA-match-with-aunt",
    "assessment": "SECRET-ASSESSMENT-trauma",
}


def _raw(table: str, column: str, pk: int, key: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [pk])
        return cursor.fetchone()[0]


def _l3_records(caseworker):
    person = factories.PersonFactory(organisation=caseworker.organisation)
    person.health_notes = SECRETS["health"]
    person.child_protection_notes = SECRETS["child"]
    save_with_history(person, caseworker)
    screening = factories.ScreeningFactory(person=person, outcome="detained", findings=SECRETS["findings"])
    custody = factories.CustodyPeriodFactory(person=person, exact_location=SECRETS["location"])
    dna = factories.DnaTestFactory(person=person, outcome="no_match", notes=SECRETS["dna"])
    assessment = factories.AssessmentFactory(person=person, findings=SECRETS["assessment"])
    return person, screening, custody, dna, assessment


def test_raw_tables_and_history_copies_show_no_plaintext(caseworker_a):
    person, screening, *_ = _l3_records(caseworker_a)
    factories.AliasFactory(person=person, armed_group_link=True)
    assert person.history.count() >= 2 and screening.history.count() == 1

    dump = database_dump()

    for secret in SECRETS.values():
        assert secret not in dump
    assert crypto.PREFIX in dump


def test_screening_and_dna_outcomes_are_not_stored_in_clear(caseworker_a):
    _person, screening, _custody, dna, _assessment = _l3_records(caseworker_a)

    assert _raw("screenings_screening", "outcome", screening.pk).startswith(crypto.PREFIX)
    assert _raw("people_dnatest", "outcome", dna.pk).startswith(crypto.PREFIX)
    history_id = screening.history.get().history_id
    assert "detained" not in _raw("screenings_historicalscreening", "outcome", history_id, key="history_id")


def test_values_read_back_decrypted(caseworker_a):
    person, screening, custody, dna, assessment = _l3_records(caseworker_a)

    assert Person.objects.get(pk=person.pk).health_notes == SECRETS["health"]
    assert Screening.objects.get(pk=screening.pk).get_outcome_display() == "Detained"
    assert CustodyPeriod.objects.get(pk=custody.pk).exact_location == SECRETS["location"]
    assert DnaTest.objects.get(pk=dna.pk).notes == SECRETS["dna"]
    assert Assessment.objects.get(pk=assessment.pk).findings == SECRETS["assessment"]
    assert person.history.first().child_protection_notes == SECRETS["child"]


def test_empty_values_stay_empty_and_filterable(caseworker_a):
    person = factories.PersonFactory(organisation=caseworker_a.organisation)

    assert _raw("people_person", "health_notes", person.pk) == ""
    assert Person.objects.filter(pk=person.pk, health_notes="").exists()


def test_encrypted_fields_refuse_lookups_that_would_compare_ciphertext(caseworker_a):
    with pytest.raises(FieldError):
        list(Screening.objects.filter(findings__icontains="x"))
    with pytest.raises(FieldError):
        list(Screening.objects.filter(outcome="detained"))


def test_plain_text_rows_from_before_are_encrypted_by_the_data_migration_pass(caseworker_a):
    person = factories.PersonFactory(organisation=caseworker_a.organisation)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET health_notes = %s WHERE id = %s", ["legacy plain", person.pk])
    assert Person.objects.get(pk=person.pk).health_notes == "legacy plain"

    rekey.reencrypt_model(Person)

    assert _raw("people_person", "health_notes", person.pk).startswith(crypto.PREFIX)
    assert Person.objects.get(pk=person.pk).health_notes == "legacy plain"


def test_rotation_moves_every_row_and_history_copy_to_the_new_key(caseworker_a, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CASEWORK_FIELD_KEYS = [old]
    person, screening, *_ = _l3_records(caseworker_a)

    settings.CASEWORK_FIELD_KEYS = [new, old]
    call_command("rotate_field_keys", batch_size=2, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.CASEWORK_FIELD_KEYS = [new]

    assert Person.objects.get(pk=person.pk).health_notes == SECRETS["health"]
    assert Screening.objects.get(pk=screening.pk).findings == SECRETS["findings"]
    assert screening.history.get().findings == SECRETS["findings"]
    assert not KeyRotationCheckpoint.objects.exists()
    for model in rekey.encrypted_models():
        for row in model._base_manager.all():
            for field in rekey.encrypted_fields(model):
                # Reading raises InvalidToken for any value still under the old key.
                assert getattr(row, field) is not None


def test_rotation_resumes_after_the_last_checkpoint(caseworker_a, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CASEWORK_FIELD_KEYS = [old]
    first = factories.ScreeningFactory(person__organisation=caseworker_a.organisation, findings="first")
    second = factories.ScreeningFactory(person=first.person, findings="second")
    settings.CASEWORK_FIELD_KEYS = [new, old]
    # An earlier run was interrupted after re-encrypting the first screening.
    KeyRotationCheckpoint.objects.create(model_label="screenings.Screening", last_pk=str(first.pk))

    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # The first row was skipped (the checkpoint), the second was re-encrypted.
    assert not crypto.is_current(_raw("screenings_screening", "findings", first.pk))
    assert crypto.is_current(_raw("screenings_screening", "findings", second.pk))
    assert not KeyRotationCheckpoint.objects.exists()


def test_a_missing_key_fails_loudly(caseworker_a, settings):
    screening = factories.ScreeningFactory(person__organisation=caseworker_a.organisation, findings="x")
    settings.CASEWORK_FIELD_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(InvalidToken):
        Screening.objects.get(pk=screening.pk)


@pytest.mark.parametrize("legacy", ["true", "1", "false", "0"])
def test_the_armed_group_flag_is_encrypted_and_old_plain_flags_are_read_and_encrypted(caseworker_a, legacy):
    from casework.people.models import Alias

    alias = factories.AliasFactory(person__organisation=caseworker_a.organisation, armed_group_link=True)
    assert _raw("people_alias", "armed_group_link", alias.pk).startswith(crypto.PREFIX)
    assert Alias.objects.get(pk=alias.pk).armed_group_link is True
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_alias SET armed_group_link = %s WHERE id = %s", [legacy, alias.pk])

    rekey.reencrypt_model(Alias)

    assert _raw("people_alias", "armed_group_link", alias.pk).startswith(crypto.PREFIX)
    assert Alias.objects.get(pk=alias.pk).armed_group_link is (legacy in ("true", "1"))

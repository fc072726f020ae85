"""The commit's bulk writer prepares a repeated cell value once, except where the preparation is an
encryption: each must differ (a fresh IV), or a dump of the database would show which records hold equal
values. Told apart by behaviour, not by class, so that an encrypted field of a new kind is covered too."""

import pytest
from django.apps import apps
from django.db import connection, models

from casework.imports.services.bulk import _converter


def _sample(field: models.Field):
    return True if field.get_internal_type() == "BooleanField" else "same value"


def _prepared_twice(field: models.Field):
    # compared by repr: on PostgreSQL a JSON or binary value is wrapped in an adapter object (Jsonb, Binary)
    # that compares by identity; a ciphertext is a string
    value = _sample(field)
    try:
        return repr(field.get_db_prep_save(value, connection)), repr(field.get_db_prep_save(value, connection))
    except Exception:  # a value this field does not take (a date, a number, a foreign key): not text
        return None


def _encrypted_fields() -> list[models.Field]:
    """Every concrete field of the project whose preparation of one value gives two different results."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("casework."):
            continue
        for field in model._meta.concrete_fields:
            twice = _prepared_twice(field)
            if twice is not None and twice[0] != twice[1]:
                found.append(field)
    return found


ENCRYPTED = _encrypted_fields()


def test_the_project_has_encrypted_fields_to_check():
    # health notes, exact locations, an alias's armed-group link…: the check below is not vacuous
    names = {f"{f.model.__name__}.{f.name}" for f in ENCRYPTED}
    assert {"CustodyPeriod.exact_location", "Alias.armed_group_link"} <= names


@pytest.mark.parametrize("field", ENCRYPTED, ids=lambda f: f"{f.model.__name__}.{f.name}")
def test_an_encrypted_value_is_prepared_anew_for_every_record(field):
    convert = _converter(field)
    assert convert is not None
    value = _sample(field)
    assert repr(convert(value)) != repr(convert(value))

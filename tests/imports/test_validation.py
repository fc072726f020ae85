"""The dry run's row validation (fields memoised by value, one scratch person) says what the model says."""

import pytest
from django.core.exceptions import ValidationError

from casework.imports import checks
from casework.imports.checks import RowResult, person_from_values
from casework.people.models import Person


def test_the_fields_a_row_never_sets_pass_the_model_rules_at_their_defaults():
    """The dry run checks only the fields a row sets: every other field keeps its default, which must pass."""
    checked = {name for name, _attname in checks._checked_fields()}
    assert {"sex", "birth_date", "given_name_lat", "separation_status"} <= checked

    Person(organisation_id=1, given_name_lat="A").clean_fields(exclude=[*checked, *checks._NOT_CHECKED])


@pytest.mark.parametrize(
    "values",
    [
        {"given_name_lat": "Amina", "sex": "female", "birth_date": "1990-01-01", "birth_date_precision": "year"},
        {"given_name_lat": "Amina", "sex": "x"},
        {"given_name_lat": "A" * 150, "separation_status": "bogus", "place_of_birth": "p" * 300},
        {"given_name_ar": "فاطمة", "birth_date": "2999-01-01", "birth_date_precision": "exact"},
        {"sex": "male"},
        {"given_name_lat": "Omar", "birth_date_precision": "range", "birth_date_earliest": "1990-01-01"},
    ],
)
def test_a_row_gets_the_errors_the_model_gives(values):
    row = RowResult(number=2)
    checks._validate(row, {}, person_from_values(values, 1))

    person = person_from_values(values, 1)
    expected: list[str] = []
    try:
        person.clean_fields(exclude=list(checks._NOT_CHECKED))
        person.clean()
    except ValidationError as exc:
        expected = [message for messages in exc.message_dict.values() for message in messages]
    assert sorted(error["message"] for error in row.errors) == sorted(expected)
    assert bool(expected) == (values.get("sex") != "female")

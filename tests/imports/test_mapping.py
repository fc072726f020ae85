"""Column guesses and value parsing: sex codes, countries, dates with their precision, full names."""

from datetime import date

import pytest

from casework.imports import cell_values
from casework.imports import mapping as m
from casework.people.choices import DatePrecision


def test_headers_in_english_french_and_arabic_are_guessed():
    headers = ["Prénom", "Nom de famille", "الجنس", "Date of birth", "الجنسية", "Camp", "Household No", "Whatever"]

    assert m.guess_mapping(headers) == {
        "Prénom": "given_name_lat",
        "Nom de famille": "family_name_lat",
        "الجنس": "sex",
        "Date of birth": "birth_date",
        "الجنسية": "nationality",
        "Camp": "facility",
        "Household No": "household",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("F", "female"), ("أنثى", "female"), ("femme", "female"), ("M", "male"), ("ذكر", "male"), ("", "unknown")],
)
def test_sex_codes(value, expected):
    assert cell_values.parse_sex(value) == expected


def test_a_value_map_translates_the_sources_own_code():
    assert cell_values.parse_sex("2", {"2": "female"}) == "female"
    with pytest.raises(cell_values.CellError, match="“2” is not a sex"):
        cell_values.parse_sex("2")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("FR", "FR"),
        ("FRA", "FR"),
        ("France", "FR"),
        ("Allemagne", "DE"),
        ("تونس", "TN"),
        ("tunisia", "TN"),
        ("Turkey", "TR"),
        ("تركيا", "TR"),
    ],
)
def test_countries_by_code_or_name_in_three_languages(value, code):
    assert cell_values.parse_country(value) == code


def test_an_unknown_country_is_a_cell_error():
    with pytest.raises(cell_values.CellError, match="not a country"):
        cell_values.parse_country("Atlantis")


@pytest.mark.parametrize(
    ("value", "day", "precision"),
    [
        (1990, date(1990, 1, 1), DatePrecision.YEAR),
        ("1990", date(1990, 1, 1), DatePrecision.YEAR),
        ("03/1990", date(1990, 3, 1), DatePrecision.MONTH),
        ("15/03/1990", date(1990, 3, 15), DatePrecision.EXACT),
        ("1990-03-15", date(1990, 3, 15), DatePrecision.EXACT),
        (32947, date(1990, 3, 15), DatePrecision.EXACT),  # an Excel serial number
        (date(1990, 3, 15), date(1990, 3, 15), DatePrecision.EXACT),
        ("١٩٩٠", date(1990, 1, 1), DatePrecision.YEAR),
    ],
)
def test_birth_dates_with_their_precision(value, day, precision):
    parsed = cell_values.parse_birth_date(value)

    assert (parsed.value, parsed.precision) == (day, precision)


@pytest.mark.parametrize("value", ["about 1990", "vers 1990", "حوالي 1990", "1988-1992"])
def test_about_a_year_is_an_estimated_range(value):
    parsed = cell_values.parse_birth_date(value)

    assert parsed.precision == DatePrecision.RANGE
    assert parsed.earliest.year == 1988 and parsed.latest.year == 1992


@pytest.mark.parametrize("value", ["31/02/1990", "yesterday", "13/1990"])
def test_impossible_or_unreadable_dates_are_cell_errors(value):
    with pytest.raises(cell_values.CellError):
        cell_values.parse_birth_date(value)


def test_a_full_name_is_split_into_parts():
    assert cell_values.split_full_name("Amina Ahmed Ali Haddad") == {
        "given_name": "Amina",
        "father_name": "Ahmed",
        "grandfather_name": "Ali",
        "family_name": "Haddad",
    }
    assert cell_values.split_full_name("Amina Haddad")["family_name"] == "Haddad"

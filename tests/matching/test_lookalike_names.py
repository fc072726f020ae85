"""rank_candidates: a different given or father's name one letter away is not suggested; a typo still is."""

from datetime import date

import pytest

from casework.matching.selectors import SUGGESTION_THRESHOLD, rank_candidates
from casework.people.choices import DatePrecision, Sex
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


def make(org, sex=Sex.FEMALE, **fields):
    person = factories.PersonFactory(
        organisation=org,
        sex=sex,
        birth_date=date(1990, 1, 1),
        birth_date_precision=DatePrecision.YEAR,
        **{
            **factories.NO_NAMES,
            **fields,
        },
    )
    person_name_keys_rebuild(person_ids=[person.pk])
    return person


def score_of(user, text, person):
    found = {c.person.pk: c for c in rank_candidates(user=user, text=text)}
    return found.get(person.pk)


LATIN = {"father_name_lat": "Yasir", "grandfather_name_lat": "Hafiz", "family_name_lat": "al-Karkhi"}
ARABIC = {"father_name_ar": "ياسر", "grandfather_name_ar": "حافظ", "family_name_ar": "الكرخي"}


@pytest.mark.parametrize(
    ("recorded", "query", "sex"),
    [
        ("Sara", "Saja Yasir Hafiz al-Karkhi", Sex.FEMALE),  # a letter mistyped
        ("Nuha", "Duha Yasir Hafiz al-Karkhi", Sex.FEMALE),
        ("Amina", "Amira Yasir Hafiz al-Karkhi", Sex.FEMALE),
        ("Basma", "Asma Yasir Hafiz al-Karkhi", Sex.FEMALE),  # a letter dropped
        ("Hanan", "Hanaa Yasir Hafiz al-Karkhi", Sex.FEMALE),
        ("Suhaib", "Shuaib Yasir Hafiz al-Karkhi", Sex.MALE),  # two letters swapped
        ("Imad", "Iyad Yasir Hafiz al-Karkhi", Sex.MALE),
    ],
)
def test_a_given_name_one_letter_from_another_known_name_is_not_suggested(caseworker_a, org_a, recorded, query, sex):
    person = make(org_a, sex=sex, given_name_lat=recorded, **LATIN)
    candidate = score_of(caseworker_a, query, person)
    assert candidate is None or candidate.score < SUGGESTION_THRESHOLD
    assert candidate is None or not candidate.suggested


@pytest.mark.parametrize(
    ("recorded", "query"),
    [
        ("Saleh", "Fatima Salem Hafiz al-Karkhi"),
        ("Mansour", "Fatima Munther Hafiz al-Karkhi"),
        ("Jamal", "Fatima Kamel Hafiz al-Karkhi"),
    ],
)
def test_a_fathers_name_one_letter_from_another_known_name_is_not_suggested(caseworker_a, org_a, recorded, query):
    person = make(
        org_a,
        given_name_lat="Fatima",
        father_name_lat=recorded,
        grandfather_name_lat="Hafiz",
        family_name_lat="al-Karkhi",
    )
    candidate = score_of(caseworker_a, query, person)
    assert candidate is None or not candidate.suggested


@pytest.mark.parametrize(
    ("recorded", "query"),
    [
        ("مريم", "مرام ياسر حافظ الكرخي"),
        ("حنان", "حنين ياسر حافظ الكرخي"),
        ("رزان", "روان ياسر حافظ الكرخي"),
        ("سارة", "Saja Yasir Hafiz al-Karkhi"),  # across scripts
    ],
)
def test_arabic_lookalike_given_names_are_not_suggested(caseworker_a, org_a, recorded, query):
    person = make(org_a, given_name_ar=recorded, **ARABIC)
    candidate = score_of(caseworker_a, query, person)
    assert candidate is None or not candidate.suggested


@pytest.mark.parametrize(
    ("recorded", "query"),
    [
        ("Khalil", "Kalil Yasir Hafiz al-Karkhi"),  # a letter dropped
        ("Ghazi", "Gohazi Yasir Hafiz al-Karkhi"),  # a letter added
        ("Waleed", "Waieed Yasir Hafiz al-Karkhi"),  # a letter mistyped
        ("Kassem", "Ksasem Yasir Hafiz al-Karkhi"),  # two letters swapped
    ],
)
def test_a_typo_that_makes_no_other_name_is_still_suggested(caseworker_a, org_a, recorded, query):
    person = make(org_a, sex=Sex.MALE, given_name_lat=recorded, **LATIN)
    candidate = score_of(caseworker_a, query, person)
    assert candidate is not None and candidate.suggested, candidate


def test_an_arabic_letter_differing_by_its_dots_is_still_found(caseworker_a, org_a):
    person = make(org_a, given_name_ar="سجى", **ARABIC)
    candidate = score_of(caseworker_a, "سحى ياسر حافظ الكرخي", person)
    assert candidate is not None and candidate.suggested, candidate


def test_the_lookalike_ranks_below_the_person_named(caseworker_a, org_a):
    sara = make(org_a, given_name_lat="Sara", **LATIN)
    saja = make(org_a, given_name_lat="Saja", **LATIN)
    found = rank_candidates(user=caseworker_a, text="Saja Yasir Hafiz al-Karkhi")
    assert found[0].person == saja and found[0].suggested
    assert sara in [c.person for c in found] and not next(c for c in found if c.person == sara).suggested
    lines = next(c for c in found if c.person == sara).reasons
    assert any("differs" in line and "Saja" in line for line in lines), lines

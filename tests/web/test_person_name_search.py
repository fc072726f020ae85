"""The name search of the person list, the pickers and the admin: the matcher, sorted by score, with reasons."""

from datetime import date

import pytest
from django.urls import reverse

from casework.people.filters import picker_candidates
from tests import factories
from tests.factories import named_person

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:person_list")


@pytest.fixture
def fatimas(org_a, org_b):
    return {
        "arabic": named_person(org_a, given_name_ar="فاطمة", father_name_ar="حسين", family_name_ar="العلي"),
        "french": named_person(org_a, given_name_lat="Fatma", father_name_lat="Houssein", family_name_lat="Alali"),
        "other_father": named_person(
            org_a, given_name_lat="Fatima", father_name_lat="Hassan", family_name_lat="al-Ali"
        ),
        "stranger": named_person(org_a, given_name_lat="Zainab", father_name_lat="Idris", family_name_lat="Okonkwo"),
        "elsewhere": named_person(org_b, given_name_lat="Fatima", father_name_lat="Hussein", family_name_lat="Al-Ali"),
    }


def case_numbers(response) -> list[str]:
    return [person.case_number for person in response.context["page"].object_list]


def test_name_search_finds_every_spelling_best_first_with_reasons(client_for, caseworker_a, fatimas):
    response = client_for(caseworker_a).get(LIST_URL, {"q": "Fatima Hussein Al-Ali"})

    assert response.status_code == 200
    found = case_numbers(response)
    assert set(found[:2]) == {fatimas["arabic"].case_number, fatimas["french"].case_number}
    assert found[-1] == fatimas["other_father"].case_number  # listed, below the same person
    assert fatimas["stranger"].case_number not in found
    assert fatimas["elsewhere"].case_number not in found
    rows = response.context["page"].object_list
    assert rows[0].match.score >= rows[-1].match.score
    assert rows[0].match.suggested and not rows[-1].match.suggested
    html = response.content.decode()
    assert "Likely the same person" in html
    assert "father&#x27;s name differs: Hassan, query says Hussein" in html
    assert response.context["sort"] == "match"


def test_a_chosen_column_sorts_a_name_search(client_for, caseworker_a, fatimas):
    response = client_for(caseworker_a).get(LIST_URL, {"q": "Fatima Hussein Al-Ali", "sort": "-case_number"})

    found = case_numbers(response)
    assert found == sorted(found, reverse=True)
    assert response.context["page"].object_list[0].match is not None


def test_other_filters_narrow_a_name_search(client_for, caseworker_a, fatimas):
    factories.NationalityClaimFactory(person=fatimas["french"], country="FR")

    response = client_for(caseworker_a).get(LIST_URL, {"q": "فاطمة حسين العلي", "nationality": "FR"})

    assert case_numbers(response) == [fatimas["french"].case_number]


def test_name_search_pages_follow_the_score(client_for, caseworker_a, org_a):
    for index in range(30):
        named_person(
            org_a,
            given_name_lat="Khadija",
            father_name_lat="Omar",
            family_name_lat="Haddad",
            birth_date=date(1980 + index % 10, 1, 1),
        )
    client = client_for(caseworker_a)

    first = client.get(LIST_URL, {"q": "Khadija Omar Haddad"})
    second = client.get(LIST_URL, {"q": "Khadija Omar Haddad", "cursor": first.context["page"].next_cursor})

    assert len(case_numbers(first)) == 25
    assert len(case_numbers(second)) == 5
    assert not set(case_numbers(first)) & set(case_numbers(second))


@pytest.mark.parametrize(
    "text",
    [
        "!!! ... ---",
        "a",
        "x" * 1000,
        "Fatima فاطمة Hussein",
        "\u202eFatima\u200b \u200fHussein\u2066",
        "😀 Fatima 🙂",
        "ORGA",
        "%_' OR 1=1 --",
    ],
)
def test_bad_input_gives_a_sensible_answer(client_for, caseworker_a, fatimas, text):
    response = client_for(caseworker_a).get(LIST_URL, {"q": text})

    assert response.status_code == 200
    assert fatimas["elsewhere"].case_number not in case_numbers(response)


def test_pickers_use_the_matcher(caseworker_a, fatimas, person_a):
    found = picker_candidates(user=caseworker_a, query="Fatima Hussein Al-Ali")
    by_number = picker_candidates(user=caseworker_a, query=person_a.case_number)
    excluded = picker_candidates(user=caseworker_a, query="Fatima Hussein Al-Ali", exclude_pks={fatimas["arabic"].pk})

    assert fatimas["arabic"] in found and fatimas["french"] in found
    assert fatimas["elsewhere"] not in found
    assert by_number[0] == person_a
    assert fatimas["arabic"] not in excluded and fatimas["french"] in excluded


def test_admin_search_uses_the_matcher(client_for, supervisor_a, fatimas):
    response = client_for(supervisor_a).get(reverse("admin:people_person_changelist"), {"q": "فاطمة حسين العلي"})

    assert response.status_code == 200
    shown = {person.case_number for person in response.context["cl"].result_list}
    assert fatimas["french"].case_number in shown
    assert fatimas["stranger"].case_number not in shown
    assert fatimas["elsewhere"].case_number not in shown

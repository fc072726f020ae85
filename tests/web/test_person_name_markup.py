"""A person's names in lists and pickers: one include (people/_person_name.html) marks the Latin name
dir="auto" and the Arabic one lang="ar" dir="rtl", each only when recorded; `stacked` breaks the line."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from casework.matching.models import DuplicatePair
from tests.factories import named_person

LATIN = '<span dir="auto">Aisha Haddad</span>'
ARABIC = '<span lang="ar" dir="rtl">عائشة حداد</span>'


def names(latin: str = "", arabic: str = "", **extra) -> str:
    person = SimpleNamespace(full_name_lat=latin, full_name_ar=arabic)
    return render_to_string("people/_person_name.html", {"person": person, **extra})


def test_both_names_are_marked_with_their_direction_and_language():
    html = names("Aisha Haddad", "عائشة حداد")

    assert LATIN in html and ARABIC in html
    assert html.index(LATIN) < html.index(ARABIC)
    assert "<br>" not in html


def test_stacked_puts_the_arabic_name_on_a_line_of_its_own():
    assert f"<br>{ARABIC}" in names("Aisha Haddad", "عائشة حداد", stacked=True)


@pytest.mark.parametrize(("latin", "arabic"), [("Aisha Haddad", ""), ("", "عائشة حداد"), ("", "")])
def test_a_name_not_recorded_leaves_no_empty_element(latin, arabic):
    html = names(latin, arabic, stacked=True)

    assert (LATIN in html) == bool(latin)
    assert (ARABIC in html) == bool(arabic)
    assert '<span dir="auto"></span>' not in html and '<span lang="ar" dir="rtl"></span>' not in html


@pytest.mark.django_db
def test_the_person_list_stacks_the_arabic_name_under_the_latin_one(client_for, caseworker_a, org_a):
    named_person(org_a, given_name_lat="Aisha", family_name_lat="Haddad", given_name_ar="عائشة", family_name_ar="حداد")

    html = client_for(caseworker_a).get(reverse("people:person_list")).content.decode()

    assert LATIN in html and f"<br>{ARABIC}" in html


@pytest.mark.django_db
def test_the_duplicate_queue_shows_each_side_in_its_own_script(client_for, supervisor_a, org_a):
    latin_only = named_person(org_a, given_name_lat="Aisha", family_name_lat="Haddad")
    arabic_only = named_person(org_a, given_name_ar="عائشة", family_name_ar="حداد")
    DuplicatePair.objects.create(
        organisation=org_a, person_a=latin_only, person_b=arabic_only, score=0.8, reasons=["x"], fingerprint="x"
    )

    html = client_for(supervisor_a).get(reverse("matching:duplicate_list")).content.decode()

    assert LATIN in html and ARABIC in html
    assert '<span dir="auto"></span>' not in html

"""English, Arabic (right-to-left) and French pages; every catalogue entry translated."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "casework" / "locale"


def _switch(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/persons/"})
    assert response.status_code == 302


def test_arabic_person_list_is_right_to_left_with_the_rtl_stylesheet(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    _switch(client, "ar")

    html = client.get(reverse("people:person_list")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert '<h1 class="h3 mb-3">الأشخاص</h1>' in html
    assert "رقم الملف" in html  # "Case number" column
    assert "مسجَّل" in html  # the "Registered" status badge


def test_french_person_list_is_left_to_right_and_in_french(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    _switch(client, "fr")

    html = client.get(reverse("people:person_list")).content.decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert "bootstrap.rtl.min.css" not in html
    assert "Numéro de dossier" in html
    assert "Enregistré" in html
    assert "1 personne" in html


def test_english_is_the_default(client_for, caseworker_a):
    html = client_for(caseworker_a).get(reverse("people:person_list")).content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert "Case number" in html


def test_arabic_plural_forms_are_used(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    _switch(client, "ar")

    html = client.get(reverse("people:person_list")).content.decode()

    assert "شخص واحد" in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_catalogue_entry_is_translated(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]

    # An empty msgstr not continued on the next line (a long translation starts with `msgstr ""` too).
    untranslated = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.MULTILINE)]
    fuzzy = [entry for entry in entries if "#, fuzzy" in entry]

    assert untranslated == []
    assert fuzzy == []
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()

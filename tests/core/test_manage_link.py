"""The `manage_link` tag of the person page's panel headings: the button to the page where the records are edited."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _render(source: str, person) -> str:
    return Template("{% load casework %}" + source).render(Context({"person": person})).strip()


def test_the_button_links_to_the_record_page_with_an_id_from_the_url_name(person_a):
    html = _render("{% manage_link 'people:alias_list' person %}", person_a)

    url = reverse("people:alias_list", args=[person_a.public_id])
    assert html == f'<a class="btn btn-sm btn-outline-primary ms-2" href="{url}" id="manage-alias_list">Manage</a>'


def test_the_button_says_manage_in_the_readers_language_or_the_label_given(person_a):
    with translation.override("fr"):
        manage = _render("{% manage_link 'legal:proceeding_list' person %}", person_a)
    labelled = _render("{% manage_link 'legal:hearing_list' person _('Hearings') %}", person_a)

    assert ">Manage<" not in manage and 'id="manage-proceeding_list"' in manage
    assert labelled.endswith('id="manage-hearing_list">Hearings</a>')

"""The filter form beside the person, request and duplicate lists (templates/includes/_filter_form.html): a GET search
form with a reset link; on the person and request lists it filters on every change by replacing only the list's table
(htmx), and the person list keeps its sort."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = pytest.mark.parametrize(
    ("url_name", "form_id", "table"),
    [
        ("people:person_list", "person-filters", "person-table"),
        ("govrequests:request_list", "request-filters", "request-table"),
    ],
    ids=["persons", "requests"],
)


def _form(html: str, form_id: str) -> str:
    start = html.index(f'id="{form_id}"')
    return html[html.rindex("<form", 0, start) : html.index("</form>", start)]


@LISTS
def test_the_filter_form_replaces_only_the_lists_table_on_every_change(
    client_for, supervisor_a, url_name, form_id, table
):
    url = reverse(url_name)
    html = client_for(supervisor_a).get(url).content.decode()

    form = _form(html, form_id)
    assert f'id="{table}"' in html
    assert 'method="get"' in form and f'action="{url}"' in form and 'role="search"' in form
    assert f'hx-get="{url}"' in form
    assert f'hx-target="#{table}"' in form
    assert 'hx-swap="outerHTML"' in form and 'hx-push-url="true"' in form and 'hx-trigger="submit, change"' in form
    assert re.search(rf'<a class="btn btn-outline-secondary" href="{re.escape(url)}">\s*Reset', form)
    assert 'type="submit"' in form
    assert html.count('id="filters-heading"') == 1


def test_only_the_person_list_keeps_its_sort_in_the_filter_form(client_for, supervisor_a):
    client = client_for(supervisor_a)
    persons = client.get(reverse("people:person_list"), {"sort": "case_number"}).content.decode()
    requests = client.get(reverse("govrequests:request_list"), {"sort": "case_number"}).content.decode()

    assert '<input type="hidden" name="sort" value="case_number">' in _form(persons, "person-filters")
    assert 'name="sort"' not in _form(requests, "request-filters")


def test_the_duplicate_list_filters_by_a_plain_get_form(client_for, supervisor_a):
    url = reverse("matching:duplicate_list")
    html = client_for(supervisor_a).get(url).content.decode()

    form = _form(html, "duplicate-filters")
    assert 'method="get"' in form and f'action="{url}"' in form and 'role="search"' in form
    assert "hx-" not in form
    assert 'name="sort"' not in form
    assert re.search(rf'<a class="btn btn-outline-secondary" href="{re.escape(url)}">\s*Reset', form)
    assert 'type="submit"' in form

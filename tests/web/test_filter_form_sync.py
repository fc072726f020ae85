"""The htmx filter forms of the person and request lists ask for the table on `change` and again on `submit`: the
form syncs its requests (hx-sync="this:replace") so that a newer request aborts the one in flight and the newest
table lands at once and only once (without it htmx queues the newer request behind the older one and swaps the table
twice). The duplicate list's plain form has no htmx at all. The browser side: tests/browser/test_filter_race.py."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class FormAttributes(HTMLParser):
    """The attributes of every <form> of a page, by the form's id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            attributes = {name: value or "" for name, value in attrs}
            self.forms[attributes.get("id", "")] = attributes


def _form_attributes(client, url: str, form_id: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = FormAttributes()
    parser.feed(response.content.decode())
    return parser.forms[form_id]


@pytest.mark.parametrize(
    ("url_name", "form_id", "table"),
    [
        ("people:person_list", "person-filters", "person-table"),
        ("govrequests:request_list", "request-filters", "request-table"),
    ],
    ids=["persons", "requests"],
)
def test_the_htmx_filter_form_aborts_the_request_in_flight_for_a_newer_one(
    client_for, supervisor_a, url_name, form_id, table
):
    form = _form_attributes(client_for(supervisor_a), reverse(url_name), form_id)

    assert form["hx-target"] == f"#{table}"
    assert form["hx-sync"] == "this:replace"


def test_the_plain_filter_form_has_no_htmx_sync(client_for, supervisor_a):
    form = _form_attributes(client_for(supervisor_a), reverse("matching:duplicate_list"), "duplicate-filters")

    assert form["method"] == "get"
    assert not any(name.startswith("hx-") for name in form)

"""The request list answers htmx with its table only (and says so in Vary, so that no cache serves the table
as the page), except when htmx restores a page missing from its history cache."""

import pytest

from tests.web.request_pages.helpers import LIST_URL, references

pytestmark = pytest.mark.django_db


def test_htmx_request_gets_only_the_table_of_its_own_requests(client_for, caseworker_a, request_a, request_b):
    response = client_for(caseworker_a).get(LIST_URL, headers={"HX-Request": "true"})

    assert response.templates[0].name == "govrequests/_request_table.html"
    assert "<html" not in response.content.decode()
    assert references(response) == [request_a.reference]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(
        LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()
    assert references(response) == [request_a.reference]


def test_plain_request_gets_the_whole_page_with_vary(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(LIST_URL)

    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]

"""The notes under a person picker's search results (templates/people/_picker_notes.html), on the three pages that
search for persons: a new request, adding persons to a draft, and the family links of a case."""

import pytest
from django.urls import reverse

from casework.govrequests import services
from tests import factories

pytestmark = pytest.mark.django_db

NOTHING = "No other person matches."
CAPPED = "Only the first results are shown: refine the search."


def _create_url(person, caseworker) -> str:
    return reverse("govrequests:request_create")


def _add_persons_url(person, caseworker) -> str:
    draft = services.gov_request_create(
        authority=factories.GovernmentAuthorityFactory(country="FR"), persons=[person], actor=caseworker
    )
    return reverse("govrequests:request_add_persons", args=[draft.public_id])


def _family_url(person, caseworker) -> str:
    return reverse("people:family_list", args=[person.public_id])


PAGES = pytest.mark.parametrize("page", [_create_url, _add_persons_url, _family_url], ids=["create", "add", "family"])


def _search(client, target: str, query: str) -> str:
    response = client.post(target, {"action": "search", "q": query})
    assert response.status_code == 200
    return response.content.decode()


@PAGES
def test_a_search_that_finds_nobody_says_so(client_for, caseworker_a, person_a, page):
    html = _search(client_for(caseworker_a), page(person_a, caseworker_a), "qzxv nobody")

    assert NOTHING in html
    assert 'id="no-results"' in html
    assert CAPPED not in html


@PAGES
def test_no_note_before_a_search_nor_under_a_few_results(client_for, caseworker_a, org_a, person_a, page):
    target = page(person_a, caseworker_a)
    client = client_for(caseworker_a)
    factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, given_name_lat="Zubayda")

    for html in (client.get(target).content.decode(), _search(client, target, "Zubayda")):
        assert NOTHING not in html
        assert CAPPED not in html
    assert "Zubayda" in html  # the search found the person


@PAGES
def test_a_full_page_of_results_asks_to_refine_the_search(client_for, caseworker_a, org_a, person_a, page, monkeypatch):
    for module in ("casework.people.filters", "casework.govrequests.views.requests", "casework.people.record_views"):
        monkeypatch.setattr(f"{module}.PICKER_LIMIT", 2)
    for _ in range(3):
        factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, given_name_lat="Zubayda")

    html = _search(client_for(caseworker_a), page(person_a, caseworker_a), "Zubayda")

    assert CAPPED in html
    assert NOTHING not in html

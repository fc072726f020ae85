"""Relatives offered on the create and add pages of a request: family links in scope, pinned query counts."""

import pytest
from django.urls import reverse

from casework.govrequests import services
from casework.govrequests.models import GovernmentRequest
from casework.matching.selectors import MAX_CANDIDATES
from tests import factories
from tests.web.drafts_and_handovers.helpers import url

pytestmark = pytest.mark.django_db


# --- Family offered on the create and add pages -------------------------------------------------


@pytest.fixture
def son_elsewhere(org_a, household_a):
    """The mother's son, recorded by a family link but living in another household (e.g. a centre)."""
    son = factories.PersonFactory(organisation=org_a, child=True, given_name_lat="Ibrahim")
    factories.FamilyLinkFactory(person=household_a[0], relative=son, relation="child")
    return son


def test_family_linked_relatives_are_offered_on_the_add_page(client_for, caseworker_a, draft_a, son_elsewhere):
    response = client_for(caseworker_a).get(url("request_add_persons", draft_a))

    assert son_elsewhere in response.context["household"]


def test_household_and_family_helper_of_the_create_page_adds_linked_relatives(
    client_for, caseworker_a, household_a, son_elsewhere, authority
):
    response = client_for(caseworker_a).post(
        reverse("govrequests:request_create"),
        {"action": "household", "persons": [str(household_a[0].public_id)], "authority": str(authority.public_id)},
    )

    assert {p.pk for p in response.context["chosen"]} == {p.pk for p in [*household_a, son_elsewhere]}
    assert not GovernmentRequest.objects.exists()


def test_family_outside_the_users_scope_is_not_offered(client_for, fieldworker_a, org_a, household_a, authority):
    mother = household_a[0]
    mother.assigned_to = fieldworker_a
    mother.save()

    response = client_for(fieldworker_a).post(
        reverse("govrequests:request_create"),
        {"action": "household", "persons": [str(mother.public_id)], "authority": str(authority.public_id)},
    )

    assert response.context["chosen"] == [mother]


@pytest.mark.parametrize("size", [5, 50])
def test_add_page_query_count_does_not_grow_with_the_family_or_the_results(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, size
):
    household = factories.HouseholdFactory(organisation=org_a)
    members = [
        factories.PersonFactory(organisation=org_a, household=household, family_name_lat="Haddad") for _ in range(size)
    ]
    factories.PersonFactory.create_batch(size, organisation=org_a, family_name_lat="Haddad")  # found by the search
    draft = services.gov_request_create(authority=authority, persons=members[:1], actor=caseworker_a)
    client = client_for(caseworker_a)

    # session, user, 2 permissions, the request, its covered persons, the family, the search
    # (case-number prefix, then the matcher: key counts, blocking, persons, aliases); the session
    # save (in a savepoint: 3); the read log's INSERT of the persons the search found.
    with django_assert_max_num_queries(16) as captured:
        response = client.post(url("request_add_persons", draft), {"action": "search", "q": "haddad"})

    assert len(response.context["household"]) == size - 1
    # A search of one common name gives the matcher's best candidates: it scores MAX_CANDIDATES persons,
    # equal scores by id, so the household's members (created first) take their share.
    assert len(response.context["results"]) == min(size, MAX_CANDIDATES - size)
    reads = [
        q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE", "WITH"))
    ]
    assert len(reads) == 12, "\n".join(q["sql"][:150] for q in reads)

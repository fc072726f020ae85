"""Fixtures of the government request page tests: an authority, a family of organisation A, a request of each organisation."""

import pytest

from tests import factories


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")


@pytest.fixture
def family_a(org_a, caseworker_a):
    """A mother and two children of organisation A, in one household."""
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(
        organisation=org_a,
        assigned_to=caseworker_a,
        household=household,
        given_name_lat="Amina",
        family_name_lat="Dupont",
    )
    children = [
        # The Arabic name given with the Latin one: the factory cycles its Arabic names on their own, so "Yusuf"
        # could otherwise be مريم, and a search for "maryam" would rightly find him too.
        factories.PersonFactory(
            organisation=org_a,
            household=household,
            child=True,
            given_name_lat=name,
            given_name_ar=arabic,
            family_name_lat="Dupont",
        )
        for name, arabic in (("Yusuf", "يوسف"), ("Maryam", "مريم"))
    ]
    return [mother, *children]


@pytest.fixture
def request_a(org_a, family_a, authority):
    """A submitted request of organisation A covering the family."""
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, submitted=True, reference="ORGA-R2025-00001"
    )
    for person in family_a:
        factories.RequestedPersonFactory(request=gov_request, person=person)
    return gov_request


@pytest.fixture
def request_b(org_b, person_b, authority):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_b, authority=authority, reference="ORGB-R2025-00001"
    )
    factories.RequestedPersonFactory(request=gov_request, person=person_b)
    return gov_request

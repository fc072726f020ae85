"""Fixtures of the follow-up tests: a French authority, requests of both organisations to it, a draft follow-up.

The conftest next to this module makes them fixtures of every module here; other packages import them by name.
"""

import pytest

from casework.govrequests.choices import Decision
from tests import factories
from tests.govrequests.followups.helpers import draft_for, pending_person


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(
        country="FR", name="Ministère de l'Europe et des Affaires étrangères", language="fr", email="mfa@fr.example"
    )


@pytest.fixture
def world(org_a, org_b, caseworker_a, authority):
    """Requests of A to the authority (sent, acknowledged), a draft one, one to another authority, and one of B."""
    sent = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    acknowledged = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, acknowledged=True)
    p1 = pending_person(org_a, sent, assigned_to=caseworker_a, given_name_lat="Amina", family_name_lat="Durand")
    p2 = pending_person(org_a, acknowledged, assigned_to=caseworker_a)
    decided = factories.PersonFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=sent, person=decided, decision=Decision.ACCEPTED)
    closed = factories.PersonFactory(organisation=org_a, closed=True)
    factories.RequestedPersonFactory(request=sent, person=closed)
    draft_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
    not_sent = pending_person(org_a, draft_request)
    other_authority = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    other_request = factories.GovernmentRequestFactory(organisation=org_a, authority=other_authority, submitted=True)
    elsewhere = pending_person(org_a, other_request)
    request_b = factories.GovernmentRequestFactory(organisation=org_b, authority=authority, submitted=True)
    of_b = pending_person(org_b, request_b)
    return {
        "sent": sent,
        "acknowledged": acknowledged,
        "pending": [p1, p2],
        "excluded": [decided, closed, not_sent, elsewhere, of_b],
        "request_b": request_b,
    }


@pytest.fixture
def draft(world, org_a, authority, caseworker_a):
    return draft_for(org_a, authority, caseworker_a)

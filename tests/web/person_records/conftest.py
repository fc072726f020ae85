"""Fixtures of the person record page tests: one record of every kind on person_a."""

import pytest

from tests import factories


@pytest.fixture
def records(person_a):
    """One record of every kind on person_a."""
    return {
        "alias": factories.AliasFactory(person=person_a),
        "claim": factories.NationalityClaimFactory(person=person_a),
        "document": factories.IdentityDocumentFactory(person=person_a),
        "family": factories.FamilyLinkFactory(person=person_a),
        "dna": factories.DnaTestFactory(person=person_a),
        "screening": factories.ScreeningFactory(person=person_a),
    }

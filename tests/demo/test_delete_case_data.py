"""Deleting the case data also deletes the follow-up letters that listed persons (they hang from disclosures)."""

import pytest
from django.utils import timezone

from casework.demo.generator import delete_case_data
from casework.govrequests.models import Disclosure
from casework.outbox.models import OutboundMessage
from tests import factories

pytestmark = pytest.mark.django_db


def test_follow_up_letters_go_with_the_case_data_and_digests_stay(org_a, caseworker_a):
    letter = factories.OutboundMessageFactory(recipient=None, organisation=org_a, to_email="mfa@fr.example")
    digest = factories.OutboundMessageFactory(recipient=caseworker_a)
    Disclosure.objects.create(
        organisation=org_a,
        authority=factories.GovernmentAuthorityFactory(),
        disclosed_at=timezone.now(),
        disclosed_by=caseworker_a,
        authority_name="MFA",
        to_email="mfa@fr.example",
        language="fr",
        fields=["case_number"],
        outbound_message=letter,
    )

    delete_case_data()

    assert not Disclosure.objects.exists()
    assert list(OutboundMessage.objects.all()) == [digest]

"""`seed_demo --flush` deletes the case data and what hangs on it, and keeps the reference data."""

from datetime import UTC, datetime

from casework.demo.flush import delete_case_data
from casework.govrequests.models import (
    DisclosedPerson,
    Disclosure,
    DisclosurePolicy,
    GovernmentAuthority,
    HandoverOperation,
)
from casework.outbox.models import OutboundMessage
from casework.people.models import Person
from casework.reminders.models import Reminder
from tests import factories


def test_flush_deletes_disclosures_their_request_links_and_letters_and_keeps_reference_data(db):
    requested = factories.RequestedPersonFactory()
    request, person, org = requested.request, requested.person, requested.request.organisation
    user = factories.UserFactory(organisation=org)
    disclosure = Disclosure.objects.create(
        organisation=org,
        authority=request.authority,
        disclosed_at=datetime(2026, 1, 5, tzinfo=UTC),
        disclosed_by=user,
        authority_name=request.authority.name,
        to_email="mfa@fr.example",
        language="fr",
    )
    disclosure.requests.add(request)  # a row of the auto-created many-to-many table
    DisclosedPerson.objects.create(disclosure=disclosure, person=person, case_number=person.case_number)
    # The letter that carried the disclosure (the disclosure's one-to-one key), and an e-mail about no case (kept).
    letter = {"organisation": org, "to_email": "mfa@fr.example", "language": "fr", "template": "x", "subject": "x"}
    disclosure.outbound_message = OutboundMessage.objects.create(
        **letter, body_text="case numbers", idempotency_key="followup:1"
    )
    disclosure.save(update_fields=["outbound_message"])
    weekly = OutboundMessage.objects.create(**letter, body_text="totals", idempotency_key="weekly:1")
    policy = DisclosurePolicy.objects.create(organisation=org, authority=request.authority, fields=["case_number"])
    factories.HandoverPersonFactory(person=person, operation__organisation=org)

    deleted = delete_case_data()

    assert deleted > 0
    assert not Person.objects.exists()
    assert not HandoverOperation.objects.exists()
    assert not Disclosure.objects.exists()
    assert not Disclosure.requests.through.objects.exists()
    assert not Reminder.objects.exists()
    assert list(OutboundMessage.objects.all()) == [weekly]
    # Reference data stays: the authority and the organisation's disclosure policy.
    assert list(DisclosurePolicy.objects.all()) == [policy]
    assert GovernmentAuthority.objects.filter(pk=request.authority.pk).exists()
    org.refresh_from_db()
    assert org.last_case_number == 0

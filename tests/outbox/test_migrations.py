"""Moving OutboundMessage from reminders to outbox keeps every row, and the link to the disclosure changes sides."""

import pytest
from django.utils import timezone

from tests.migrations import leaves, migrate

# Before the move: the message lives in reminders and points to its disclosure.
BEFORE = [("reminders", "0005_outbound_message_disclosure"), ("govrequests", "0002_followups_and_disclosures")]
# After the move (outbox 0001 and the link copy come with these): only the migrations of the move are run forwards
# and back in the middle of the test, not every later one of every app (SQLite rebuilds a table for most of them).
AFTER = [("reminders", "0007_outbound_message_to_outbox"), ("govrequests", "0004_copy_outbound_message_links")]


def _old_rows(apps):
    """An organisation, an authority, a disclosure and two messages: one carried the disclosure, one is a digest."""
    organisation = apps.get_model("accounts", "Organisation").objects.create(name="Org M", code="OM")
    user = apps.get_model("accounts", "User").objects.create(username="mig", organisation=organisation)
    authority = apps.get_model("govrequests", "GovernmentAuthority").objects.create(country="FR", name="MFA")
    disclosure = apps.get_model("govrequests", "Disclosure").objects.create(
        organisation=organisation,
        authority=authority,
        disclosed_at=timezone.now(),
        disclosed_by=user,
        authority_name="MFA",
        to_email="mfa@fr.example",
        language="fr",
        fields=["case_number"],
    )
    message = apps.get_model("reminders", "OutboundMessage")
    common = {"organisation": organisation, "language": "fr", "body_text": "text", "body_html": "<p>html</p>"}
    letter = message.objects.create(
        idempotency_key="followup:1",
        to_email="mfa@fr.example",
        template="authority_followup_fr",
        subject="Suivi",
        disclosure=disclosure,
        status="sent",
        sent_at=timezone.now(),
        attempts=1,
        **common,
    )
    digest = message.objects.create(
        idempotency_key="digest:1", recipient=user, to_email="m@org.example", template="digest", subject="D", **common
    )
    return disclosure.pk, letter.pk, digest.pk


@pytest.mark.django_db(transaction=True)
def test_messages_and_their_disclosure_links_survive_the_move_forwards_and_backwards():
    try:
        old_apps = migrate(BEFORE)
        disclosure_id, letter_id, digest_id = _old_rows(old_apps)

        new_apps = migrate(AFTER)
        message = new_apps.get_model("outbox", "OutboundMessage")
        assert message._meta.db_table == "outbox_outboundmessage"
        assert set(message.objects.values_list("pk", "idempotency_key", "status", "attempts")) == {
            (letter_id, "followup:1", "sent", 1),
            (digest_id, "digest:1", "queued", 0),
        }
        disclosure = new_apps.get_model("govrequests", "Disclosure").objects.get(pk=disclosure_id)
        assert disclosure.outbound_message_id == letter_id
        assert message.objects.get(pk=letter_id).body_html == "<p>html</p>"

        back_apps = migrate(BEFORE)
        old_message = back_apps.get_model("reminders", "OutboundMessage")
        assert dict(old_message.objects.values_list("pk", "disclosure_id")) == {
            letter_id: disclosure_id,
            digest_id: None,
        }
    finally:
        migrate(leaves())

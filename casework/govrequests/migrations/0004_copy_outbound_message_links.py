"""Moving OutboundMessage to the outbox app, step 3 of 4: every link to a disclosure is copied to its new side.

From the old column `outbox_outboundmessage.disclosure_id` (still there) to
`govrequests_disclosure.outbound_message_id`; backwards, copied back. Plain SQL, valid on SQLite and
PostgreSQL, so no model of another app is loaded here.
"""

from django.db import migrations

FORWARD = """
UPDATE govrequests_disclosure
SET outbound_message_id = (
    SELECT m.id FROM outbox_outboundmessage m WHERE m.disclosure_id = govrequests_disclosure.id
)
WHERE EXISTS (SELECT 1 FROM outbox_outboundmessage m WHERE m.disclosure_id = govrequests_disclosure.id)
"""

BACKWARD = """
UPDATE outbox_outboundmessage
SET disclosure_id = (
    SELECT d.id FROM govrequests_disclosure d WHERE d.outbound_message_id = outbox_outboundmessage.id
)
WHERE EXISTS (SELECT 1 FROM govrequests_disclosure d WHERE d.outbound_message_id = outbox_outboundmessage.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("govrequests", "0003_disclosure_outbound_message"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD, elidable=False),
    ]

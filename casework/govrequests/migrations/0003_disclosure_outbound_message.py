"""Moving OutboundMessage to the outbox app, step 2 of 3: the link to the e-mail moves onto the disclosure.

`Disclosure.outbound_message` is added and every existing link (the old column
`outbox_outboundmessage.disclosure_id`, still there) is copied into it; backwards, copied back.
"""

import django.db.models.deletion
from django.db import migrations, models

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
        ("govrequests", "0002_followups_and_disclosures"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosure",
            name="outbound_message",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disclosure",
                to="outbox.outboundmessage",
                verbose_name="outbound message",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD, elidable=False),
    ]

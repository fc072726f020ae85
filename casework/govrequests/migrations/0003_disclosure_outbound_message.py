"""Moving OutboundMessage to the outbox app, step 2 of 4: the disclosure gets its link to the e-mail.

`0004_copy_outbound_message_links` fills it (a migration of its own: on PostgreSQL a table with
pending deferred-constraint events of an UPDATE cannot be altered in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models

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
    ]

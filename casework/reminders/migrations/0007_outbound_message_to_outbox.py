"""Moving OutboundMessage to the outbox app, step 4 of 4: the old link column goes, and the model leaves this app.

The link was copied onto `Disclosure.outbound_message` by `govrequests.0004`. The table stays
(it is `outbox.OutboundMessage`'s now). Also drops `Reminder.notify_mailbox`: nothing read it, and
a reminder addressed to nobody else now goes to the supervisors.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0006_outbound_message_table_to_outbox"),
        ("govrequests", "0004_copy_outbound_message_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="outboundmessage", name="disclosure"),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="OutboundMessage")],
        ),
        migrations.RemoveField(model_name="reminder", name="notify_mailbox"),
        migrations.AlterField(
            model_name="reminder",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                help_text="The assigned caseworker; empty when it goes to the supervisors only.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reminders",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
    ]

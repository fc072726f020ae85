"""Moving OutboundMessage to the outbox app, step 1 of 4: the table takes the outbox app's name.

Then `outbox.0001_initial` takes the model over (state only), `govrequests.0003`/`0004` move the
link to the disclosure onto `Disclosure.outbound_message` (copying every link), and `reminders.0007`
drops the old column and the model from this app's state. No row is copied, so none can be lost.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_outbound_message_disclosure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reverse accessors of the old model out of the way of the new one (no database change).
        migrations.AlterField(
            model_name="outboundmessage",
            name="disclosure",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="govrequests.disclosure",
                verbose_name="disclosure",
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="organisation",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AlterModelTable(name="outboundmessage", table="outbox_outboundmessage"),
    ]

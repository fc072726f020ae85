"""OutboundMessage moves here from the reminders app; its table was renamed by `reminders.0006`.

State only: the table `outbox_outboundmessage` already exists (created by the reminders app's
migrations and renamed), with every row. On a fresh database the same path runs.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("reminders", "0006_outbound_message_table_to_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='OutboundMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('to_email', models.EmailField(max_length=254, verbose_name='recipient e-mail')),
                        ('language', models.CharField(max_length=8, verbose_name='language')),
                        ('template', models.CharField(help_text='Name under templates/email/.', max_length=60, verbose_name='template')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('context_ids', models.JSONField(blank=True, default=dict, verbose_name='related objects (ids)')),
                        ('body_text', models.TextField(verbose_name='text body')),
                        ('body_html', models.TextField(blank=True, verbose_name='HTML body')),
                        ('attachment', models.BinaryField(blank=True, null=True, verbose_name='attachment')),
                        ('attachment_name', models.CharField(blank=True, editable=False, max_length=100, verbose_name='attachment file name')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='queued', editable=False, max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='attempts')),
                        ('last_error', models.CharField(blank=True, editable=False, max_length=200, verbose_name='last error')),
                        ('idempotency_key', models.CharField(editable=False, max_length=120, unique=True, verbose_name='idempotency key')),
                        ('claimed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='claimed for sending at')),
                        ('sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='sent at')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outbound_messages', to='accounts.organisation', verbose_name='organisation')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbound_messages', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'outbound message',
                        'verbose_name_plural': 'outbound messages',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['status', 'created_at'], name='outbound_status_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'sending', 'sent', 'failed'])), name='outbound_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbound_sent_has_date')],
                    },
                ),
            ],
        ),
    ]

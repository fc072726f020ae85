"""AuditEvent.organisation becomes the plain integer `organisation_id` (same column, same data, no foreign key)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        # Drops the foreign-key constraint; the column `organisation_id`, its index and its values stay.
        migrations.AlterField(
            model_name="auditevent",
            name="organisation",
            field=models.BigIntegerField(
                blank=True, db_column="organisation_id", db_index=True, null=True, verbose_name="organisation id"
            ),
        ),
        # The field takes the column's name; nothing changes in the database.
        migrations.RenameField(model_name="auditevent", old_name="organisation", new_name="organisation_id"),
        migrations.AlterField(
            model_name="auditevent",
            name="organisation_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="organisation id"),
        ),
    ]

"""Load the default rule for court hearings (no organisation, any State): 14, 7 and 1 day before."""

from django.db import migrations


def load_default(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ReminderRule.objects.get_or_create(
        kind="hearing",
        organisation=None,
        country="",
        defaults={
            "offsets": [14, 7, 1],
            "recipients": ["assigned_caseworker", "supervisors"],
            "threshold": None,
            "is_active": True,
        },
    )


def remove_default(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ReminderRule.objects.filter(organisation=None, country="", kind="hearing").delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0008_reminder_kind_hearing")]

    operations = [migrations.RunPython(load_default, remove_default)]

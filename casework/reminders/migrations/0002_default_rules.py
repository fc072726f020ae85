"""Load the default reminder rules (no organisation, any State)."""

from django.db import migrations

CASEWORKER = "assigned_caseworker"
SUPERVISORS = "supervisors"

# kind: (offsets in days, recipients, threshold)
DEFAULT_RULES = {
    "request_not_acknowledged": ([14, 30], [CASEWORKER], None),
    "no_decision": ([60], [CASEWORKER], None),
    "mark_no_response": ([90], [CASEWORKER, SUPERVISORS], None),
    "information_due": ([7, 3, 1, 0], [CASEWORKER], None),
    "court_deadline": ([30, 14, 7, 1], [CASEWORKER, SUPERVISORS], None),
    "boy_approaching_11": ([180, 90, 30], [CASEWORKER, SUPERVISORS], 11),
    "state_age_limit": ([180, 90, 30], [CASEWORKER], None),
    "minor_turning_18": ([90, 30], [CASEWORKER], 18),
    "travel_document_expiring": ([30], [CASEWORKER], 30),
    "dna_result_overdue": ([45], [CASEWORKER], None),
    "urgent_medical": ([0], [CASEWORKER, SUPERVISORS], None),
    "uasc_review": ([90], [CASEWORKER], None),
    "case_inactive": ([30, 60], [CASEWORKER], None),
}


def load_defaults(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for kind, (offsets, recipients, threshold) in DEFAULT_RULES.items():
        ReminderRule.objects.get_or_create(
            kind=kind,
            organisation=None,
            country="",
            defaults={"offsets": offsets, "recipients": recipients, "threshold": threshold, "is_active": True},
        )


def remove_defaults(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ReminderRule.objects.filter(organisation=None, country="", kind__in=list(DEFAULT_RULES)).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]

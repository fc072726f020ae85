"""One home for the age under which a State takes children back: `policies.StatePolicy` (issue #8).

`reminders.StateAgeLimit` (global, undated) is removed. Each of its rows becomes a shared State
policy "children under an age limit" with that limit, valid from the day the row was recorded (the
earliest day the limit is known for), its note as the policy's notes, and its origin in `sources` —
**unless the State already has a shared policy** (of any date or rule): then the existing policy is
kept unchanged, since it is the dated, sourced record a superuser chose, and the undated limit is
not moved. Either way one audit event records what happened to the row, with its State, limit and
note (`reminders.state_age_limit.moved` naming the policy created, or
`reminders.state_age_limit.not_moved` naming the policy kept), and the migration prints one line per
row. Organisations' own policies are left as they are: they replace the shared line for their
organisation, for the reminder and the dashboard as everywhere else.

Backwards, the table is recreated and filled again from those audit events (each State's latest);
the policies created stay (moving forwards again keeps them, as existing shared policies).
"""

from django.db import migrations

MOVED = "reminders.state_age_limit.moved"
NOT_MOVED = "reminders.state_age_limit.not_moved"
SOURCE = "Moved from the reminders' State age limits table (undated); valid from the day the limit was recorded there."


def _history(apps, policy, when):
    """The "created" history row django-simple-history would have written (historical models send no signals)."""
    historical = apps.get_model("policies", "HistoricalStatePolicy")
    fields = {f.attname: getattr(policy, f.attname) for f in policy._meta.concrete_fields}
    historical.objects.create(
        **fields, history_date=when, history_type="+", history_change_reason="Moved from StateAgeLimit"
    )


def forwards(apps, schema_editor):
    StateAgeLimit = apps.get_model("reminders", "StateAgeLimit")
    StatePolicy = apps.get_model("policies", "StatePolicy")
    AuditEvent = apps.get_model("core", "AuditEvent")
    for row in StateAgeLimit.objects.order_by("country"):
        code = str(row.country)
        data = {"country": code, "age_limit": row.age_limit, "note": row.note}
        kept = StatePolicy.objects.filter(organisation__isnull=True, country=code).order_by("-valid_from", "-pk").first()
        if kept is not None:
            data.update(policy=str(kept.public_id), takes_back=kept.takes_back, policy_age_limit=kept.age_limit)
            AuditEvent.objects.create(action=NOT_MOVED, target_id=str(kept.public_id), data=data)
            print(
                f"\n  {code}: age limit {row.age_limit} not moved, shared policy of {kept.valid_from} kept"
                f" ({kept.takes_back}, age limit {kept.age_limit})",
                end="",
            )
            continue
        policy = StatePolicy.objects.create(
            country=code,
            valid_from=row.created_at.date(),
            takes_back="children_under_age",
            age_limit=row.age_limit,
            notes=row.note,
            sources=SOURCE,
        )
        _history(apps, policy, row.created_at)
        data.update(policy=str(policy.public_id), valid_from=policy.valid_from.isoformat())
        AuditEvent.objects.create(action=MOVED, target_id=str(policy.public_id), data=data)
        print(f"\n  {code}: age limit {row.age_limit} moved to a shared policy from {policy.valid_from}", end="")


def backwards(apps, schema_editor):
    StateAgeLimit = apps.get_model("reminders", "StateAgeLimit")
    AuditEvent = apps.get_model("core", "AuditEvent")
    latest = {}
    for event in AuditEvent.objects.filter(action__in=[MOVED, NOT_MOVED]).order_by("created_at", "pk"):
        latest[event.data["country"]] = event.data
    for code, data in sorted(latest.items()):
        StateAgeLimit.objects.create(country=code, age_limit=data["age_limit"], note=data.get("note", ""))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_worker_heartbeat_role"),
        ("policies", "0001_state_policy"),
        ("reminders", "0010_reminder_resolved_status"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="StateAgeLimit"),
    ]

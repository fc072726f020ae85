"""StateAgeLimit becoming shared State policies (#8): each row moved, or the existing shared policy kept, both ways."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.migrations import leaves, migrate

BEFORE = [("reminders", "0010_reminder_resolved_status"), ("policies", "0001_state_policy")]
AFTER = [("reminders", "0011_state_age_limits_to_policies")]
RECORDED = timezone.make_aware(datetime(2024, 5, 6, 10, 0))


def _old_rows(apps):
    """Limits for FR (no policy), BE (a shared policy already) and NL (only an organisation's own policy)."""
    limits = apps.get_model("reminders", "StateAgeLimit")
    policy = apps.get_model("policies", "StatePolicy")
    organisation = apps.get_model("accounts", "Organisation").objects.create(name="Org M", code="OM")
    for code, age in (("FR", 12), ("BE", 10), ("NL", 14)):
        limits.objects.create(country=code, age_limit=age, note=f"Statement on {code}")
    limits.objects.update(created_at=RECORDED)
    policy.objects.create(country="BE", valid_from=date(2022, 7, 1), takes_back="children_only", sources="Law")
    policy.objects.create(
        organisation=organisation, country="NL", valid_from=date(2021, 1, 1), takes_back="all", sources="Own"
    )
    return organisation.pk


@pytest.mark.django_db(transaction=True)
def test_age_limits_become_shared_policies_unless_one_exists_forwards_and_backwards():
    try:
        old_apps = migrate(BEFORE)
        organisation_id = _old_rows(old_apps)

        new_apps = migrate(AFTER)
        policy = new_apps.get_model("policies", "StatePolicy")
        shared = policy.objects.filter(organisation__isnull=True).order_by("country")
        assert list(shared.values_list("country", "valid_from", "takes_back", "age_limit", "notes")) == [
            ("BE", date(2022, 7, 1), "children_only", None, ""),  # kept as it was
            ("FR", RECORDED.date(), "children_under_age", 12, "Statement on FR"),
            ("NL", RECORDED.date(), "children_under_age", 14, "Statement on NL"),
        ]
        assert policy.objects.filter(organisation_id=organisation_id).count() == 1  # the organisation's own line
        moved = shared.get(country="FR")
        assert "State age limits table" in moved.sources
        history = new_apps.get_model("policies", "HistoricalStatePolicy")
        assert list(history.objects.values_list("id", "history_type", "age_limit").order_by("id")) == [
            (moved.pk, "+", 12),
            (shared.get(country="NL").pk, "+", 14),
        ]
        events = new_apps.get_model("core", "AuditEvent").objects.filter(action__startswith="reminders.state_age_limit")
        assert sorted((e.action, e.data["country"], e.data["age_limit"]) for e in events) == [
            ("reminders.state_age_limit.moved", "FR", 12),
            ("reminders.state_age_limit.moved", "NL", 14),
            ("reminders.state_age_limit.not_moved", "BE", 10),
        ]
        assert events.get(data__country="BE").target_id == str(shared.get(country="BE").public_id)

        back_apps = migrate(BEFORE)
        limits = back_apps.get_model("reminders", "StateAgeLimit")
        assert list(limits.objects.order_by("country").values_list("country", "age_limit", "note")) == [
            ("BE", 10, "Statement on BE"),
            ("FR", 12, "Statement on FR"),
            ("NL", 14, "Statement on NL"),
        ]

        # Forwards again: the policies created the first time are kept, nothing is created twice.
        again = migrate(AFTER).get_model("policies", "StatePolicy")
        assert again.objects.filter(organisation__isnull=True).count() == 3
    finally:
        migrate(leaves())

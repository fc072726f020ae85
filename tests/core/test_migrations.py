"""AuditEvent.organisation becoming the plain `organisation_id` keeps every event's organisation, both ways."""

import pytest

from tests.migrations import leaves, migrate

BEFORE = [("core", "0001_initial")]
AFTER = [("core", "0002_auditevent_organisation_id")]


@pytest.mark.django_db(transaction=True)
def test_audit_events_keep_their_organisation_forwards_and_backwards():
    try:
        old_apps = migrate(BEFORE)
        organisation = old_apps.get_model("accounts", "Organisation").objects.create(name="Org M", code="OM")
        event = old_apps.get_model("core", "AuditEvent")
        with_org = event.objects.create(organisation=organisation, action="test.one").pk
        without_org = event.objects.create(action="test.two").pk

        new_apps = migrate(AFTER)
        new_event = new_apps.get_model("core", "AuditEvent")
        assert dict(new_event.objects.values_list("pk", "organisation_id")) == {
            with_org: organisation.pk,
            without_org: None,
        }

        back_apps = migrate(BEFORE)
        assert dict(back_apps.get_model("core", "AuditEvent").objects.values_list("pk", "organisation_id")) == {
            with_org: organisation.pk,
            without_org: None,
        }
    finally:
        migrate(leaves())

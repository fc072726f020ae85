"""The reminder admin is scoped like the rest: a user sees and acts on their organisation's reminders only."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from casework.reminders.choices import ReminderStatus, RuleKind
from casework.reminders.models import Reminder, ReminderRule
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    """Tests run with DEBUG off and no collectstatic: serve static URLs without the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _reminder(person) -> Reminder:
    return factories.ReminderFactory(person=person, kind=RuleKind.CASE_INACTIVE, due_on=date(2025, 6, 2))


def _grant(user, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="reminders", codename__in=codenames))


def test_changelist_shows_only_reminders_of_the_users_organisation(client_for, supervisor_a, person_a, person_b):
    _grant(supervisor_a, "view_reminder")
    mine, theirs = _reminder(person_a), _reminder(person_b)

    response = client_for(supervisor_a).get(reverse("admin:reminders_reminder_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    other = client_for(supervisor_a).get(reverse("admin:reminders_reminder_change", args=[theirs.pk]))
    assert other.status_code == 302  # the admin's "does not exist" redirect, as for a missing row


def test_acknowledge_action_goes_through_the_service(client_for, supervisor_a, person_a):
    _grant(supervisor_a, "view_reminder", "change_reminder")
    reminder = _reminder(person_a)

    client_for(supervisor_a).post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [reminder.pk]},
    )

    reminder.refresh_from_db()
    assert (reminder.status, reminder.acted_by) == (ReminderStatus.ACKNOWLEDGED, supervisor_a)


def test_rule_admin_lists_defaults_and_own_overrides_only(client_for, supervisor_a, org_a, org_b):
    _grant(supervisor_a, "view_reminderrule")
    own = ReminderRule.objects.create(
        kind=RuleKind.CASE_INACTIVE, organisation=org_a, offsets=[45], recipients=["supervisors"]
    )
    ReminderRule.objects.create(
        kind=RuleKind.CASE_INACTIVE, organisation=org_b, offsets=[20], recipients=["supervisors"]
    )

    response = client_for(supervisor_a).get(reverse("admin:reminders_reminderrule_changelist"))

    shown = set(response.context["cl"].result_list)
    assert own in shown
    assert all(rule.organisation_id in (None, org_a.pk) for rule in shown)
    assert len(shown) == len(RuleKind.values) + 1


# --- Another organisation's name never shows (issue 9, minor leaks) ----------------------------


def _rows_of(org, person):
    """A reminder, a rule override and an outbound message of `org`."""
    factories.ReminderFactory(person=person)
    ReminderRule.objects.create(kind=RuleKind.CASE_INACTIVE, organisation=org, offsets=[20], recipients=["supervisors"])
    factories.OutboundMessageFactory(recipient=person.assigned_to)


@pytest.mark.parametrize(
    ("changelist", "permission"),
    [
        ("admin:reminders_reminder_changelist", ("reminders", "view_reminder")),
        ("admin:reminders_reminderrule_changelist", ("reminders", "view_reminderrule")),
        ("admin:outbox_outboundmessage_changelist", ("outbox", "view_outboundmessage")),
    ],
)
def test_the_organisation_filter_lists_only_the_users_own_organisation(
    client_for, supervisor_a, caseworker_b, org_a, org_b, person_a, changelist, permission
):
    app_label, codename = permission
    supervisor_a.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    _rows_of(org_a, person_a)
    _rows_of(org_b, factories.PersonFactory(organisation=org_b, assigned_to=caseworker_b))

    response = client_for(supervisor_a).get(reverse(changelist))

    assert response.status_code == 200
    html = response.content.decode()
    assert org_a.name in html
    assert org_b.name not in html
    assert all(
        getattr(row, "organisation_id", org_a.pk) in (None, org_a.pk) for row in response.context["cl"].result_list
    )


def test_the_organisation_filter_of_another_organisation_shows_nothing(client_for, supervisor_a, caseworker_b, org_b):
    _grant(supervisor_a, "view_reminder")
    factories.ReminderFactory(person=factories.PersonFactory(organisation=org_b, assigned_to=caseworker_b))

    url = reverse("admin:reminders_reminder_changelist")
    for value in (str(org_b.pk), "9223372036854775808", "x"):
        response = client_for(supervisor_a).get(url, {"organisation": value})
        assert response.status_code in (200, 302), value
        if response.status_code == 200:
            assert list(response.context["cl"].result_list) == []


def test_a_superuser_filters_reminders_by_any_organisation(client_for, superuser, person_a, person_b, org_b):
    factories.ReminderFactory(person=person_a)
    theirs = factories.ReminderFactory(person=person_b)

    response = client_for(superuser).get(reverse("admin:reminders_reminder_changelist"), {"organisation": org_b.pk})

    assert list(response.context["cl"].result_list) == [theirs]

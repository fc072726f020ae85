"""Reads of reminders for a user.

Terms: a reminder is *due* on a day when it has fallen due and is open, or its snooze has ended;
*unresolved* reminders (open, acknowledged, snoozed) are shown on the person and request pages.
"""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q, QuerySet

from casework.accounts import roles
from casework.reminders.models import Reminder


def reminders_due_for(*, user: Any, on: date) -> QuerySet[Reminder]:
    """The user's due reminders: addressed to them, or, for supervisors, to the organisation's supervisors."""
    # The supervisor check is a subquery rather than a query of its own: one query for the home page.
    is_supervisor = Exists(
        get_user_model().groups.through.objects.filter(user_id=user.pk, group__name=roles.SUPERVISOR)
    )
    addressed = Q(recipient_id=user.pk) | Q(is_supervisor, notify_supervisors=True)
    return (
        Reminder.objects.visible_to(user)
        .due(on=on)
        .filter(addressed)
        .select_related("person", "gov_request")
        .order_by("due_on", "pk")
    )


def reminders_about_person(*, person: Any, user: Any) -> QuerySet[Reminder]:
    """Unresolved reminders about a person, for the person page."""
    return Reminder.objects.visible_to(user).open().filter(person=person).order_by("due_on", "pk")


def reminders_about_request(*, gov_request: Any, user: Any) -> QuerySet[Reminder]:
    """Unresolved reminders about a request, for the request page."""
    return Reminder.objects.visible_to(user).open().filter(gov_request=gov_request).order_by("due_on", "pk")


def digest_is_due(*, user: Any, today: date) -> bool:
    """Whether the user gets a digest on `today`: daily every day, weekly on Mondays, off never."""
    User = get_user_model()
    if not user.is_active or not user.email or not user.organisation_id:
        return False
    if user.digest_frequency == User.DigestFrequency.DAILY:
        return True
    return user.digest_frequency == User.DigestFrequency.WEEKLY and today.weekday() == 0


def digest_recipient_ids(*, today: date) -> list[int]:
    """Ids of the users who get a digest on `today` (the digest itself decides whether anything is due)."""
    User = get_user_model()
    frequencies = [User.DigestFrequency.DAILY]
    if today.weekday() == 0:
        frequencies.append(User.DigestFrequency.WEEKLY)
    return list(
        User.objects.filter(is_active=True, organisation__isnull=False, digest_frequency__in=frequencies)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )

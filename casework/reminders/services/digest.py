"""The daily (or weekly) digest: one e-mail per user and day listing their due reminders.

Which users get one on a day, and whether a user's is due, are reads (`casework.reminders.selectors`);
building it records one outbound message per user and day (`casework.outbox`), which is delivered
after commit.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from casework.outbox.models import OutboundMessage
from casework.outbox.rendering import absolute_url
from casework.outbox.services import outbound_message_create
from casework.reminders.choices import SENSITIVE_KINDS
from casework.reminders.models import Reminder
from casework.reminders.selectors import digest_is_due, reminders_due_for

DIGEST_TEMPLATE = "digest"
# Reminders listed per urgency group; the rest are counted, with a link to the home page. A
# supervisor's digest can otherwise list thousands (hundreds of kilobytes of HTML).
DIGEST_GROUP_LIMIT = 50


def _request_url(public_id: Any) -> str:
    try:
        return absolute_url(reverse("govrequests:request_detail", args=[public_id]))
    except NoReverseMatch:
        return absolute_url(reverse("home"))


def _digest_entry(reminder: Reminder, *, new_since: date) -> dict[str, Any]:
    """What the e-mail shows of one reminder: kind, case number, request reference, dates, link. No names."""
    if reminder.person_id:
        url = absolute_url(reverse("people:person_detail", args=[reminder.person.public_id]))
    else:
        url = _request_url(reminder.gov_request.public_id)
    return {
        "kind": reminder.get_kind_display(),
        "case_number": reminder.person.case_number if reminder.person_id else "",
        "reference": reminder.gov_request.reference if reminder.gov_request_id else "",
        "due_on": reminder.due_on,
        "deadline_on": reminder.deadline_on,
        "is_new": reminder.due_on >= new_since,
        "url": url,
    }


def _urgency(reminder: Reminder, today: date) -> str:
    """By the date it counts towards (the deadline, else the day it fell due)."""
    key = reminder.deadline_on or reminder.due_on
    if key < today:
        return "overdue"
    return "today" if key == today else "upcoming"


@transaction.atomic(durable=True)
def digest_build_for_user(*, user: Any, today: date) -> OutboundMessage | None:
    """The user's digest e-mail for `today` (created and enqueued once), or None when nothing is due.

    Lists the reminders due for the user (as on their home page) grouped by urgency: overdue, due
    today, upcoming deadline; those fallen due since the previous digest are marked new. Each group
    lists its `DIGEST_GROUP_LIMIT` most urgent and counts the rest. Case numbers and request
    references only; reminders of a sensitive kind are only counted.
    """
    if not digest_is_due(user=user, today=today):
        return None
    key = f"digest:{user.pk}:{today.isoformat()}"
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    reminders = list(reminders_due_for(user=user, on=today))
    if not reminders:
        return None
    weekly = user.digest_frequency == get_user_model().DigestFrequency.WEEKLY
    new_since = today - timedelta(days=6 if weekly else 0)
    shown = [r for r in reminders if r.kind not in SENSITIVE_KINDS]
    groups: dict[str, list[Reminder]] = {"overdue": [], "today": [], "upcoming": []}
    for reminder in shown:
        groups[_urgency(reminder, today)].append(reminder)
    entries: dict[str, list[dict[str, Any]]] = {}
    # Inside the recipient's language: kind labels and dates are rendered now, not later.
    with translation.override(user.language):
        for urgency, members in groups.items():
            # The most urgent first: by the date each counts towards (sorted() keeps due date and id order on ties).
            listed = sorted(members, key=lambda r: r.deadline_on or r.due_on)[:DIGEST_GROUP_LIMIT]
            entries[urgency] = [_digest_entry(reminder, new_since=new_since) for reminder in listed]
    context = {
        "today": today,
        "weekly": weekly,
        "total": len(reminders),
        "new_count": sum(1 for r in reminders if r.due_on >= new_since),
        "confidential_count": len(reminders) - len(shown),
        "overdue": entries["overdue"],
        "overdue_more": len(groups["overdue"]) - len(entries["overdue"]),
        "due_today": entries["today"],
        "due_today_more": len(groups["today"]) - len(entries["today"]),
        "upcoming": entries["upcoming"],
        "upcoming_more": len(groups["upcoming"]) - len(entries["upcoming"]),
        "home_url": absolute_url(reverse("home")),
    }
    message, _created = outbound_message_create(
        idempotency_key=key,
        organisation_id=user.organisation_id,
        recipient=user,
        template=DIGEST_TEMPLATE,
        context=context,
        context_ids={"user": user.pk, "reminders": [r.pk for r in reminders]},
        language=user.language,
    )
    return message

"""The reminder list shown on the home, person and request pages, as template context.

On the home page it lists the user's due reminders; with `person=` or `gov_request=` the
unresolved reminders about that person or request. Sensitive (L3) kinds are left out for users
without the L3 permission by `Reminder.objects.visible_to`. One query for the list; permissions
come from the user's cache. The page views (`casework.pages`) merge it into their context and the
templates include `reminders/_reminder_list.html`; the reminder actions re-render that partial.

A reminder of a sensitive kind tells a highly sensitive fact (an urgent medical need, a hearing): each
one shown is recorded as a `sensitive.read` audit event, all in one insert. The persons a list names go
to the read log from the pages (`reminder_person_ids`), which know what else they show.
"""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from casework.core import audit
from casework.core.sensitivity import SENSITIVE_READ
from casework.reminders import selectors
from casework.reminders.choices import SENSITIVE_KINDS

CHANGE_PERMISSION = "reminders.change_reminder"
SCOPE_HOME = "home"
SCOPE_PERSON = "person"
SCOPE_REQUEST = "request"


def reminder_list_context(
    request: HttpRequest, *, person: Any = None, gov_request: Any = None, error: str = "", next_url: str = ""
) -> dict[str, Any]:
    """The context of `reminders/_reminder_list.html` for one page."""
    user = request.user
    today = timezone.localdate()
    if person is not None:
        scope = SCOPE_PERSON
        reminders = selectors.reminders_about_person(person=person, user=user)
    elif gov_request is not None:
        scope = SCOPE_REQUEST
        reminders = selectors.reminders_about_request(gov_request=gov_request, user=user)
    else:
        scope = SCOPE_HOME
        reminders = selectors.reminders_due_for(user=user, on=today)
    shown = list(reminders.select_related("person", "gov_request"))
    sensitive = [reminder for reminder in shown if reminder.kind in SENSITIVE_KINDS]
    if sensitive:
        audit.record_many(
            actor=user,
            action=SENSITIVE_READ,
            targets=[(reminder, {"fields": ["kind"], "context": f"reminder_list_{scope}"}) for reminder in sensitive],
        )
    return {
        "reminders": shown,
        "reminder_scope": scope,
        "can_act": user.has_perm(CHANGE_PERMISSION),
        "snooze_min": today + timedelta(days=1),
        "next_url": next_url or request.get_full_path(),
        "reminder_error": error,
        "request": request,
    }


def reminder_person_ids(context: dict[str, Any]) -> list[int]:
    """The persons the reminder list of `context` names (reminders about a request name none)."""
    return [reminder.person_id for reminder in context["reminders"] if reminder.person_id]

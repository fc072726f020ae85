"""The reminder list shown on the home, person and request pages: `{% reminder_list %}`.

On the home page it lists the user's due reminders; with `person=` or `gov_request=` the
unresolved reminders about that person or request. Sensitive (L3) kinds are left out for users
without the L3 permission by `Reminder.objects.visible_to`. One query for the list (two on the
home page: the supervisor check); permissions come from the user's cache.
"""

from datetime import timedelta
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from casework.reminders import selectors

register = template.Library()

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
    return {
        "reminders": list(reminders.select_related("person", "gov_request")),
        "reminder_scope": scope,
        "can_act": user.has_perm(CHANGE_PERMISSION),
        "snooze_min": today + timedelta(days=1),
        "next_url": next_url or request.get_full_path(),
        "reminder_error": error,
        "request": request,
    }


@register.inclusion_tag("reminders/_reminder_list.html", takes_context=True)
def reminder_list(context: template.Context, *, person: Any = None, gov_request: Any = None) -> dict[str, Any]:
    """The reminders of the page: the user's due ones, or those about `person` or `gov_request`."""
    request = context["request"]
    result = reminder_list_context(request, person=person, gov_request=gov_request)
    result["csrf_token"] = context.get("csrf_token")
    return result

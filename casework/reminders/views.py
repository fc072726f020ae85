"""Acting on a reminder from the home, person or request page: acknowledge, snooze, dismiss, done.

Without JavaScript each action redirects back to the page (`next`, if it is on this site); with
htmx it answers with the page's reminder list, re-rendered. A reminder outside the user's scope
is a 404; the services record who acted, when and why (on the row and in the audit log).
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from casework.core import access
from casework.core.exceptions import DomainError
from casework.core.views import permission_required
from casework.reminders import services
from casework.reminders.context import (
    CHANGE_PERMISSION,
    SCOPE_PERSON,
    SCOPE_REQUEST,
    reminder_list_context,
    reminder_person_ids,
)
from casework.reminders.forms import ReminderDismissForm, ReminderSnoozeForm
from casework.reminders.models import Reminder


def _get_reminder(request: HttpRequest, public_id: UUID) -> Reminder:
    return get_object_or_404(Reminder.objects.visible_to(request.user), public_id=public_id)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _form_error(form: Any) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _respond(request: HttpRequest, reminder: Reminder, *, error: str, done: str) -> HttpResponse:
    next_url = _next_url(request)
    if getattr(request, "htmx", False):
        scope = request.POST.get("scope", "")
        subject: dict[str, Any] = {}
        if scope == SCOPE_PERSON and reminder.person_id:
            subject["person"] = reminder.person
        elif scope == SCOPE_REQUEST and reminder.gov_request_id:
            subject["gov_request"] = reminder.gov_request
        context = reminder_list_context(request, error=error, next_url=next_url, **subject)
        if shown := reminder_person_ids(context):
            access.note(request, kind=access.Kind.LIST, persons=shown)
        return render(request, "reminders/_reminder_list.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(next_url or "home")


def _reminder_view(
    name: str, action: Callable[..., Any], done: Any, form_class: type[forms.Form] | None = None
) -> Callable[..., HttpResponse]:
    """A POST view calling `action(reminder=…, actor=user, **cleaned data of form_class)`.

    An invalid form or a refusal is the error shown; otherwise `done` is the success message.
    """

    @require_POST
    @permission_required(CHANGE_PERMISSION)
    def view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                return _respond(request, _get_reminder(request, public_id), error=_form_error(form), done="")
            data = form.cleaned_data
        reminder = _get_reminder(request, public_id)
        error = ""
        try:
            action(reminder=reminder, actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _respond(request, reminder, error=error, done=str(done))

    view.__name__ = view.__qualname__ = name
    return view


# Acknowledge: seen and being handled. Done: its action was taken. Snooze: hidden until a later day.
# Dismiss: closed without action, with a reason.
reminder_acknowledge = _reminder_view(
    "reminder_acknowledge", services.reminder_acknowledge, _("Reminder acknowledged.")
)
reminder_done = _reminder_view("reminder_done", services.reminder_complete, _("Reminder marked as done."))
reminder_snooze = _reminder_view(
    "reminder_snooze", services.reminder_snooze, _("Reminder snoozed."), ReminderSnoozeForm
)
reminder_dismiss = _reminder_view(
    "reminder_dismiss", services.reminder_dismiss, _("Reminder dismissed."), ReminderDismissForm
)

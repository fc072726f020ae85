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
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
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
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
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


def _perform(
    request: HttpRequest,
    public_id: UUID,
    action: Callable[[Reminder, dict[str, Any]], Any],
    done: str,
    *,
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    """Call `action(reminder, cleaned data of form_class)`; an invalid form or a refusal is the error shown."""
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _respond(request, _get_reminder(request, public_id), error=_form_error(form), done="")
        data = form.cleaned_data
    reminder = _get_reminder(request, public_id)
    error = ""
    try:
        action(reminder, data)
    except (DomainError, ValidationError) as exc:
        error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return _respond(request, reminder, error=error, done=done)


@require_POST
@permission_required("reminders.change_reminder")
def reminder_acknowledge(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Mark the reminder as seen and being handled."""
    return _perform(
        request,
        public_id,
        lambda r, _data: services.reminder_acknowledge(reminder=r, actor=request.user),
        _("Reminder acknowledged."),
    )


@require_POST
@permission_required("reminders.change_reminder")
def reminder_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Close the reminder: its action was taken."""
    return _perform(
        request,
        public_id,
        lambda r, _data: services.reminder_complete(reminder=r, actor=request.user),
        _("Reminder marked as done."),
    )


@require_POST
@permission_required("reminders.change_reminder")
def reminder_snooze(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Hide the reminder until a later day."""
    return _perform(
        request,
        public_id,
        lambda r, data: services.reminder_snooze(reminder=r, until=data["until"], actor=request.user),
        _("Reminder snoozed."),
        form_class=ReminderSnoozeForm,
    )


@require_POST
@permission_required("reminders.change_reminder")
def reminder_dismiss(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Close the reminder without action, with a reason."""
    return _perform(
        request,
        public_id,
        lambda r, data: services.reminder_dismiss(reminder=r, reason=data["reason"], actor=request.user),
        _("Reminder dismissed."),
        form_class=ReminderDismissForm,
    )

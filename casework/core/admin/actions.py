"""Admin actions that ask for a form first (a date, a reason) and then call one service per object."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from casework.core.exceptions import DomainError
from casework.core.forms import StatusTransitionForm

ACTION_FORM_TEMPLATE = "admin/casework/action_form.html"


def run_form_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[Form],
    form_kwargs: dict | None = None,
    title: str,
    submit_label: str,
    apply: Callable[[Any, Any], Any],
    success_message: str,
) -> TemplateResponse | None:
    """An admin action with an intermediate form: show it, then call `apply(obj, valid_form)` per object.

    `apply` calls one service. Each object's DomainError (TransitionNotAllowed included) and
    PermissionDenied become an error message naming the object by its `str()`, which is its case
    number or reference, never a person's name. `success_message` takes `%(count)s` and `%(objects)s`.
    """
    submitted = "apply" in request.POST
    form = form_class(request.POST if submitted else None, **(form_kwargs or {}))
    if submitted and form.is_valid():
        done: list[str] = []
        for obj in queryset:
            try:
                apply(obj, form)
            except DomainError as exc:
                modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
            except PermissionDenied:
                modeladmin.message_user(
                    request, gettext("%(object)s: you are not allowed to do this.") % {"object": obj}, messages.ERROR
                )
            else:
                done.append(str(obj))
        if done:
            modeladmin.message_user(
                request, success_message % {"count": len(done), "objects": ", ".join(done)}, messages.SUCCESS
            )
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "objects": queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "submit_label": submit_label,
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def allowed_status_choices(objects: Iterable[Any], choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The statuses at least one of `objects` may legally move to (all of them if none may move)."""
    objects = list(objects)
    narrowed = [(value, label) for value, label in choices if any(obj.can_transition_to(value) for obj in objects)]
    return narrowed or list(choices)


def run_status_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    choices: Sequence[tuple[str, Any]],
    apply: Callable[[Any, StatusTransitionForm], Any],
    title: str,
    success_message: str,
    closure_reason_choices: Sequence[tuple[str, Any]] | None = None,
) -> TemplateResponse | None:
    """A "Change … status…" action: `run_form_action` with a `StatusTransitionForm` offering the
    statuses at least one selected object may move to (`allowed_status_choices`)."""
    form_kwargs: dict[str, Any] = {"status_choices": allowed_status_choices(queryset, choices)}
    if closure_reason_choices is not None:
        form_kwargs["closure_reason_choices"] = closure_reason_choices
    return run_form_action(
        modeladmin,
        request,
        queryset,
        form_class=StatusTransitionForm,
        form_kwargs=form_kwargs,
        title=title,
        submit_label=gettext("Change status"),
        apply=apply,
        success_message=success_message,
    )

"""Handover operations of a request: plan, complete with the signed document, download it, cancel."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.core import access, audit
from casework.core.exceptions import DomainError
from casework.core.files import private_file_response
from casework.core.views import permission_required
from casework.govrequests import family_unity, selectors, services
from casework.govrequests.choices import HandoverStatus
from casework.govrequests.forms import HandoverCancelForm, HandoverCompleteForm, HandoverPlanForm
from casework.govrequests.models import GovernmentRequest, HandoverOperation
from casework.govrequests.views.common import (
    HANDOVER_ADD_PERMISSION,
    HANDOVER_CHANGE_PERMISSION,
    HANDOVER_VIEW_PERMISSION,
    accepted_rows,
    detail_url,
    form_change,
    get_request,
    visible_person_ids,
    warn_refused_case_moves,
)


def _handover_change(
    request: HttpRequest,
    form: Form,
    gov_request: GovernmentRequest,
    service: Callable[..., HandoverOperation],
    success: str,
    /,
    **target: Any,
) -> HttpResponseRedirect | None:
    """Call the handover `service` with `target` (its operation or request) and the valid `form`'s data; back to
    the request's handovers when it is done.

    None when the service refused: its reason is then the form's error.
    """
    result = form_change(form, lambda: service(actor=request.user, **target, **form.cleaned_data))
    if form.errors:
        return None
    messages.success(request, success)
    warn_refused_case_moves(request, result)
    return HttpResponseRedirect(detail_url(gov_request) + "#handovers")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(HANDOVER_ADD_PERMISSION)
def request_plan_handover(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Plan a handover operation for persons the State accepted (`services.handover_plan`)."""
    gov_request = get_request(request, public_id)
    rows = accepted_rows(gov_request, visible_person_ids(gov_request, request.user))
    if not gov_request.can_plan_handover or not rows:
        messages.error(request, _("A handover can only be planned for persons the State accepted."))
        return HttpResponseRedirect(detail_url(gov_request))
    leaving = [row.person for row in rows]
    if request.method == "POST":
        form = HandoverPlanForm(request.POST, rows=rows)
        if form.is_valid():
            leaving = form.cleaned_data["persons"]
            done = _handover_change(
                request, form, gov_request, services.handover_plan, _("Handover planned."), gov_request=gov_request
            )
            if done:
                return done
    else:
        form = HandoverPlanForm(rows=rows, initial={"persons": [row.person.public_id.hex for row in rows]})
    # Who this plan (the accepted persons, or those ticked) would separate from family in the camps.
    found = family_unity.handover_separations(gov_request, leaving)
    named = family_unity.named_person_ids(found, user=request.user)
    separations = family_unity.described(found, user=request.user, named=named)
    # The form lists every accepted person the user sees; the warning names relatives too.
    access.note(request, kind=access.Kind.LIST, persons=[*(row.person_id for row in rows), *named])
    context = {
        "gov_request": gov_request,
        "form": form,
        "separations": separations,
        "needs_separation_approval": any(separation.is_parent for separation, _sentence in separations)
        and not request.user.has_perm(family_unity.APPROVE_SEPARATION_PERMISSION),
    }
    return render(request, "govrequests/handover_plan.html", context)


def _get_operation(request: HttpRequest, public_id: UUID, operation_id: UUID) -> HandoverOperation:
    return get_object_or_404(
        HandoverOperation.objects.visible_to(request.user).select_related("request", "request__authority"),
        request__in=GovernmentRequest.objects.visible_to(request.user),
        request__public_id=public_id,
        public_id=operation_id,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(HANDOVER_CHANGE_PERMISSION)
def request_complete_handover(request: HttpRequest, public_id: UUID, operation_id: UUID) -> HttpResponse:
    """Record a planned handover as done, with the signed document (`services.handover_complete`).

    The user must see every person on the operation: who was not handed over is part of what is recorded.
    """
    operation = _get_operation(request, public_id, operation_id)
    gov_request = operation.request
    if operation.status != HandoverStatus.PLANNED:
        messages.error(request, _("Only a planned handover can be completed."))
        return HttpResponseRedirect(detail_url(gov_request))
    if not selectors.handover_seen_whole(operation=operation, user=request.user):
        raise PermissionDenied
    rows = list(operation.handed_persons.select_related("person").order_by("person__case_number", "pk"))
    persons = [row.person for row in rows]
    if request.method == "POST":
        form = HandoverCompleteForm(request.POST, request.FILES, persons=persons)
        if form.is_valid():
            done = _handover_change(
                request,
                form,
                gov_request,
                services.handover_complete,
                _("Handover recorded as completed."),
                operation=operation,
            )
            if done:
                return done
    else:
        form = HandoverCompleteForm(persons=persons, initial={"signed_on": operation.planned_on})
    access.note(request, kind=access.Kind.LIST, persons=persons)
    context = {"gov_request": gov_request, "operation": operation, "form": form}
    return render(request, "govrequests/handover_complete.html", context)


@require_safe
@permission_required(HANDOVER_VIEW_PERMISSION)
def request_handover_document(request: HttpRequest, public_id: UUID, operation_id: UUID) -> FileResponse:
    """The signed handover document, as a download under an opaque name; each download is audited."""
    operation = _get_operation(request, public_id, operation_id)
    if not operation.handover_document:
        raise Http404
    # The signed document names every person on the operation.
    if not selectors.handover_seen_whole(operation=operation, user=request.user):
        raise PermissionDenied
    audit.record(actor=request.user, action="govrequests.handover.document_downloaded", target=operation)
    access.note(
        request,
        kind=access.Kind.DOCUMENT,
        persons=operation.handed_persons.values_list("person_id", flat=True),
    )
    return private_file_response(operation.handover_document)


@require_POST
@permission_required(HANDOVER_CHANGE_PERMISSION)
def request_cancel_handover(request: HttpRequest, public_id: UUID, operation_id: UUID) -> HttpResponse:
    """Cancel a planned handover, with the reason (`services.handover_cancel`)."""
    operation = _get_operation(request, public_id, operation_id)
    if not selectors.handover_seen_whole(operation=operation, user=request.user):
        raise PermissionDenied
    form = HandoverCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling the handover."))
    else:
        try:
            cancelled = services.handover_cancel(
                operation=operation, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Handover cancelled."))
            warn_refused_case_moves(request, cancelled)
    return HttpResponseRedirect(detail_url(operation.request) + "#handovers")

"""What the request pages share: permission names, the scoped lookups, the detail URL.

Capabilities are checked before the scoped lookup (each page's `permission_required`), so a 403 never tells
whether a record exists; a request outside the user's scope is a 404, the same as a missing one.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from casework.core.exceptions import DomainError
from casework.govrequests import selectors
from casework.govrequests.choices import ACCEPTED_DECISIONS
from casework.govrequests.models import GovernmentRequest, RequestedPerson
from casework.people.models import Person
from casework.policies.services import OutsidePolicy

VIEW_PERMISSION = "govrequests.view_governmentrequest"
VIEW_EVENT_PERMISSION = "govrequests.view_requestevent"
ADD_PERMISSION = "govrequests.add_governmentrequest"
CHANGE_PERMISSION = "govrequests.change_governmentrequest"
ADD_EVENT_PERMISSION = "govrequests.add_requestevent"
DECIDE_PERMISSION = "govrequests.decide_request"
HANDOVER_VIEW_PERMISSION = "govrequests.view_handoveroperation"
HANDOVER_ADD_PERMISSION = "govrequests.add_handoveroperation"
HANDOVER_CHANGE_PERMISSION = "govrequests.change_handoveroperation"


def detail_url(gov_request: GovernmentRequest) -> str:
    return reverse("govrequests:request_detail", args=[gov_request.public_id])


def visible_person_ids(gov_request: GovernmentRequest, user: Any) -> set[int]:
    """Covered persons the user may open (assigned-only users may see only some of them)."""
    ids = {row.person_id for row in gov_request.covered.all()}
    if not ids:
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def get_request(request: HttpRequest, public_id: UUID) -> GovernmentRequest:
    return get_object_or_404(selectors.request_detail_queryset(user=request.user), public_id=public_id)


def accepted_rows(gov_request: GovernmentRequest, visible_ids: set[int]) -> list[RequestedPerson]:
    """Covered persons the State accepted and the user may see (from the prefetched rows)."""
    return [
        row for row in gov_request.covered.all() if row.decision in ACCEPTED_DECISIONS and row.person_id in visible_ids
    ]


def warn_refused_case_moves(request: HttpRequest, result: Any) -> None:
    """One warning per case the change did not move (its transition table or a guard said no), with the reason.

    `result` is what the service returned: a request, an event or a handover operation with `case_moves_refused`.
    """
    for refusal in getattr(result, "case_moves_refused", ()):
        messages.warning(request, str(refusal))


def change_and_return(
    request: HttpRequest, gov_request: GovernmentRequest, change: Callable[[], Any], *, success: str
) -> HttpResponseRedirect:
    """Call `change` (a service that may move cases) and go back to the request page.

    A DomainError becomes an error message; otherwise `success` is shown, with a warning per case not moved.
    """
    try:
        result = change()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
        warn_refused_case_moves(request, result)
    return HttpResponseRedirect(detail_url(gov_request))


def form_change(form: Form, change: Callable[[], Any]) -> Any:
    """Call `change` (a service) with `form`'s valid data; a DomainError becomes the form's error.

    The change was made when the form has no error afterwards.
    """
    try:
        return change()
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None


def policy_checked(form: Form, change: Callable[[], Any]) -> tuple[Any, OutsidePolicy | None]:
    """Call `change` (a service that checks the State policies) with `form`'s valid data.

    Returns its result and, when a person is outside the policy without a reason given, the refusal,
    which is also the form's `policy_reason` error; a DomainError becomes the form's error. The change
    was made when the form has no error afterwards.
    """
    try:
        return change(), None
    except OutsidePolicy as exc:
        form.add_error("policy_reason", str(exc))
        return None, exc
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None, None

"""Caseworker pages about facilities: the list and a facility's current population and control history.

Facilities are shared reference data; the population figures count only the persons the user may see.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from casework.camps import selectors
from casework.core.views import permission_required

VIEW_PERMISSION = "camps.view_facility"


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


@require_GET
@permission_required("camps.view_facility")
def facility_list(request: HttpRequest) -> HttpResponse:
    """Every facility with its kind, the authority in control today and its current population."""
    _require_view(request)
    facilities = list(selectors.facility_list_rows(user=request.user))
    return render(request, "camps/facility_list.html", {"facilities": facilities})


@require_GET
@permission_required("camps.view_facility")
def facility_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One facility: current population by section, nationality and age band; who controlled it when."""
    _require_view(request)
    facility = get_object_or_404(selectors.facility_detail_queryset(user=request.user), public_id=public_id)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "facility": facility,
        "current_authority": selectors.controlling_authority_on(facility, today),
        "control_periods": list(facility.control_periods.all()),
        "population": selectors.facility_population(facility=facility, user=request.user, today=today),
    }
    return render(request, "camps/facility_detail.html", context)

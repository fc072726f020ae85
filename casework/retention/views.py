"""The retention reviews page: closed cases due for anonymisation, approved by one person, confirmed by another."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from casework.core import access
from casework.core.exceptions import DomainError
from casework.core.views import permission_required
from casework.retention import services
from casework.retention.models import RetentionReview, ReviewStatus

ACTIONS = {
    "approve": (services.retention_approve, _("Approved: a second person must now confirm.")),
    "confirm": (services.retention_confirm, _("Confirmed: the case is anonymised.")),
    "keep": (services.retention_keep, _("The case is kept.")),
}
DONE_SHOWN = 50


@require_safe
@permission_required("retention.view_retentionreview")
def review_list(request: HttpRequest) -> HttpResponse:
    """Open reviews of the user's organisation, and the latest decided ones."""
    reviews = RetentionReview.objects.visible_to(request.user).select_related("person", "approved_by", "decided_by")
    open_reviews = list(reviews.open())
    done_reviews = list(reviews.exclude(status__in=RetentionReview.OPEN).order_by("-decided_at")[:DONE_SHOWN])
    access.note(request, kind=access.Kind.LIST, persons=[*open_reviews, *done_reviews])
    context = {
        "open_reviews": open_reviews,
        "done_reviews": done_reviews,
        "can_decide": request.user.has_perm(services.APPROVE_PERMISSION),
        "approved": ReviewStatus.APPROVED,
    }
    return render(request, "retention/review_list.html", context)


@require_POST
@permission_required(services.APPROVE_PERMISSION)
def review_decide(request: HttpRequest, public_id: UUID, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    review = get_object_or_404(RetentionReview.objects.visible_to(request.user), public_id=public_id)
    service, done = ACTIONS[action]
    try:
        service(review=review, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("retention:review_list")

"""The duplicate review queue: the list of pairs and a reviewer's decision.

The side-by-side comparison shows requests and decisions too, so it lives in `casework.pages`
(`matching:duplicate_detail`). Every pair is looked up in the user's organisation: out of scope is a 404.
"""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework.core import access
from casework.core.exceptions import DomainError
from casework.core.views import permission_required
from casework.matching import queue, services
from casework.matching.choices import PairStatus
from casework.matching.forms import TO_REVIEW, PairDecisionForm, PairFilterForm
from casework.matching.models import DuplicatePair

REVIEW_PERMISSION = services.REVIEW_PERMISSION
PER_PAGE = 50


@require_safe
@permission_required(REVIEW_PERMISSION)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Pairs of possible duplicates, best first; filters on status, score and case number."""
    form = PairFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pairs = queue.pairs_for(
        user=request.user,
        status=filters.get("status") or TO_REVIEW,
        min_score=filters.get("min_score"),
        case_number=filters.get("q") or "",
    )
    page = Paginator(pairs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = [person_id for pair in page.object_list for person_id in (pair.person_a_id, pair.person_b_id)]
    access.note(request, kind=access.Kind.LIST, persons=shown, search=filters.get("q") or "")
    return render(
        request,
        "matching/duplicate_list.html",
        {"form": form, "page": page},
    )


@require_POST
@permission_required(REVIEW_PERMISSION)
def duplicate_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record a decision; "same person" goes on to the merge page when there is one."""
    pair = get_object_or_404(
        DuplicatePair.objects.visible_to(request.user).select_related("person_a", "person_b"), public_id=public_id
    )
    detail = reverse("matching:duplicate_detail", args=[pair.public_id])
    form = PairDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return HttpResponseRedirect(detail)
    try:
        pair = services.duplicate_pair_decide(
            pair=pair, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"], actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(detail)
    if pair.status == PairStatus.SAME:
        merge = queue.merge_url(pair)
        if merge:
            messages.success(request, _("Recorded as the same person. Merge the two records now."))
            return HttpResponseRedirect(merge)
        messages.success(request, _("Recorded as the same person."))
    elif pair.status == PairStatus.DIFFERENT:
        messages.success(request, _("Recorded as different people: the pair will not be raised again."))
    else:
        messages.success(request, _("Kept in the queue with your note."))
    return HttpResponseRedirect(reverse("matching:duplicate_list"))

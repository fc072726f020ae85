"""The State-policies page: every State's policy line (current first, history kept), and its editing.

Everyone with a role reads it; organisation admins add and change their organisation's policies.
Shared defaults (no organisation) are edited by superusers; for anyone else they are read-only (404
on their edit page, as for a row outside the user's scope).
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from casework.core.views import permission_required
from casework.policies import selectors, services
from casework.policies.forms import StatePolicyForm
from casework.policies.models import StatePolicy

VIEW_PERMISSION = "policies.view_statepolicy"
ADD_PERMISSION = "policies.add_statepolicy"
CHANGE_PERMISSION = "policies.change_statepolicy"


def _editable(request: HttpRequest) -> QuerySet[StatePolicy]:
    """The policies the user may change: their organisation's (all for superusers)."""
    queryset = StatePolicy.objects.visible_to(request.user)
    if request.user.is_superuser:
        return queryset
    return queryset.filter(organisation_id=request.user.organisation_id)


@require_safe
@permission_required(VIEW_PERMISSION)
def policy_list(request: HttpRequest) -> HttpResponse:
    """Each State with its current policy for the user's organisation and the dated history."""
    user = request.user
    can_change = user.has_perm(CHANGE_PERMISSION)
    context = {
        "states": selectors.policy_list(user=user),
        "can_add": user.has_perm(ADD_PERMISSION),
        "editable_ids": set(_editable(request).values_list("pk", flat=True)) if can_change else set(),
    }
    return render(request, "policies/policy_list.html", context)


def _save(request: HttpRequest, form: StatePolicyForm) -> HttpResponse | None:
    """Save through the service; a model error comes back on the form."""
    if not form.is_valid():
        return None
    try:
        services.state_policy_save(policy=form.instance, actor=request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, _("Policy saved."))
    return HttpResponseRedirect(reverse("policies:policy_list") + f"#state-{form.instance.country.code}")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(ADD_PERMISSION)
def policy_create(request: HttpRequest) -> HttpResponse:
    """Record a State's policy from a date on (a change of policy is a new row; the old one stays)."""
    if request.method == "POST":
        form = StatePolicyForm(request.POST)
        saved = _save(request, form)
        if saved:
            return saved
    else:
        form = StatePolicyForm(initial={"country": request.GET.get("country", "")[:2].upper()})
    return render(request, "policies/policy_form.html", {"form": form, "policy": None})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(CHANGE_PERMISSION)
def policy_update(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Correct a recorded policy of the user's organisation (its history is kept)."""
    policy = get_object_or_404(_editable(request), public_id=public_id)
    form = StatePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        saved = _save(request, form)
        if saved:
            return saved
    return render(request, "policies/policy_form.html", {"form": form, "policy": policy})

"""Pages that combine several apps: home (my work), the person page, the request page, the facility pages.

This is the top layer of the app order (style guide §2): it may import every app below it, so the
pages that show screenings, requests, reminders and disclosures together live here, and the apps
below never reach up. URL paths and names stay in the apps' namespaces (`people:person_detail`,
`govrequests:request_detail`, `camps:facility_list`, `home`); `casework/urls.py` wires them in.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView

from casework.camps import selectors as camp_selectors
from casework.core import access
from casework.core.sensitivity import can_view_sensitive, log_sensitive_read
from casework.core.views import permission_required
from casework.govrequests import family_unity
from casework.govrequests import selectors as request_selectors
from casework.govrequests import services as request_services
from casework.govrequests.forms import RequestDecisionsForm, RequestEventForm
from casework.govrequests.models import GovernmentRequest

# The request views' own helpers (permission check, scoped lookup), so that the moved views behave the same.
from casework.govrequests.views.common import (
    ADD_EVENT_PERMISSION,
    DECIDE_PERMISSION,
    VIEW_PERMISSION,
    change_and_return,
    get_request,
    visible_person_ids,
)
from casework.govrequests.views.requests import request_detail_context
from casework.matching import queue as duplicate_queue
from casework.matching.choices import TO_REVIEW
from casework.matching.duplicates import pair_reasons
from casework.matching.forms import PairDecisionForm
from casework.matching.models import DuplicatePair
from casework.merging.selectors import merge_survivor, merges_into
from casework.pages import selectors
from casework.people import selectors as people_selectors
from casework.people.models import Person
from casework.people.views import transition_context
from casework.policies import selectors as policy_selectors
from casework.policies.services import check_person
from casework.reminders.context import reminder_list_context, reminder_person_ids

# Supervisors (and organisation admins) see their organisation's figures.
ORGANISATION_FIGURES_PERMISSION = "accounts.view_organisation_figures"
VIEW_FACILITY_PERMISSION = "camps.view_facility"
REVIEW_DUPLICATES_PERMISSION = "matching.review_duplicates"


# --- Home: my work ------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My reminders, my assigned cases by status, overdue requests, recent changes; organisation counts for supervisors."""
    user = request.user
    if not user.has_perm("people.view_person"):
        # A user in no role (created without one, or whose roles were removed): an empty page, no names or counts.
        return render(request, "pages/home.html", {"sees_organisation": False})
    overdue = list(request_selectors.overdue_requests(user=user))
    split_families, named_in_split_families = family_unity.split_requests_and_named(user=user)
    context = {
        "split_families": split_families,
        "caseload": people_selectors.caseload_for(user=user),
        "overdue_requests": [(r, request_selectors.overdue_reasons(r)) for r in overdue],
        "recent_changes": list(people_selectors.recent_status_changes(user=user)),
        "recent_request_changes": list(request_selectors.recent_request_changes(user=user)),
        "sees_organisation": user.is_superuser or user.has_perm(ORGANISATION_FIGURES_PERMISSION),
    }
    if user.has_perm(REVIEW_DUPLICATES_PERMISSION):
        context["duplicates_to_review"] = duplicate_queue.pairs_to_review_count(user=user)
    if context["sees_organisation"]:
        context["organisation_status_counts"] = people_selectors.organisation_status_counts(user=user)
        context["organisation_nationality_counts"] = people_selectors.organisation_nationality_counts(user=user)
    context.update(reminder_list_context(request))
    # The persons the page names: in reminders, recent changes and split families (counts name nobody).
    shown = [
        *reminder_person_ids(context),
        *(change.person_id for change in context["recent_changes"]),
        *named_in_split_families,
    ]
    if shown:
        access.note(request, kind=access.Kind.LIST, persons=shown)
    return render(request, "pages/home.html", context)


# --- The person page ----------------------------------------------------------------------------


ACCESS_LOG_PERMISSION = "core.view_access_log"
RECENT_ACCESS = 5
ACCESS_LOG_LIMIT = 500


@require_safe
@permission_required(ACCESS_LOG_PERMISSION)
def person_access_log(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Who has seen this case: the read log of one person, newest first (supervisors and auditors)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), public_id=public_id)
    events = list(selectors.person_access_events(person=person, user=request.user)[: ACCESS_LOG_LIMIT + 1])
    context = {
        "person": person,
        "events": events[:ACCESS_LOG_LIMIT],
        "truncated": len(events) > ACCESS_LOG_LIMIT,
        "limit": ACCESS_LOG_LIMIT,
    }
    return render(request, "pages/person_access_log.html", context)


class PersonDetailView(PermissionRequiredMixin, DetailView):
    """One person: header, sections for every kind of record, and the timeline.

    L3 fields are in the context only for users with the sensitive-data permission, and each
    such display is recorded (`sensitive.read`, one audit event per record shown).
    """

    template_name = "pages/person_detail.html"
    context_object_name = "person"
    permission_required = "people.view_person"

    def get_object(self, queryset: QuerySet[Person] | None = None) -> Person:
        public_id: UUID = self.kwargs["public_id"]
        return get_object_or_404(selectors.person_detail_queryset(user=self.request.user), public_id=public_id)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # The old URL of a record merged into another leads to the survivor.
            survivor = merge_survivor(user=request.user, public_id=kwargs["public_id"])
            if survivor is None:
                raise
            messages.info(
                request,
                _("This record was merged into %(case_number)s, shown here.") % {"case_number": survivor.case_number},
            )
            return redirect(survivor)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person: Person = self.object
        user = self.request.user
        sensitive = can_view_sensitive(user)
        custody = list(person.custody_periods.all())
        claims = list(person.nationality_claims.all())
        journey = getattr(person, "journey", None)  # None when not recorded (reverse one-to-one)
        proceedings = selectors.legal_proceedings_of(person=person, user=user)
        visible_relatives = people_selectors.visible_relative_ids(person=person, user=user)
        claims = list(person.nationality_claims.all())
        policies = policy_selectors.current_policies(
            organisation_id=person.organisation_id, countries=[claim.country.code for claim in claims]
        )
        context.update(
            state_policies=[
                (
                    claim.country,
                    policies.get(claim.country.code),
                    check_person(policies.get(claim.country.code), person),
                )
                for claim in claims
            ],
            can_view_sensitive=sensitive,
            current_custody=next((period for period in custody if period.end_date is None), None),
            aliases=list(person.aliases.all()),
            family=[(link, link.relative_id in visible_relatives) for link in person.family_links.all()],
            custody_periods=custody,
            screenings=list(person.screenings.all()),
            custody_entries=list(person.custody_entries.all()),
            journey=journey,
            return_assessments=list(person.return_assessments.all()),
            legal_proceedings=proceedings,
            statelessness_reasons=person.statelessness_risk_reasons(claims),
            nationality_claims=claims,
            documents=list(person.documents.all()),
            dna_tests=list(person.dna_tests.all()),
            assessments=list(person.assessments.all()),
            request_memberships=list(person.request_memberships.all()),
            timeline=selectors.person_timeline(person=person, user=user),
            can_edit=user.has_perm("people.change_person"),
            **transition_context(person=person, user=user),
            **reminder_list_context(self.request, person=person),
            disclosure_rows=request_selectors.disclosures_about(person=person, user=user),
            can_merge=user.has_perm("people.merge_person"),
            recent_access=(
                list(selectors.person_access_events(person=person, user=user)[:RECENT_ACCESS])
                if user.has_perm(ACCESS_LOG_PERMISSION)
                else None
            ),
        )
        if context["can_merge"]:
            context["person_merges"] = merges_into(person=person, user=user)
        access.note(self.request, kind=access.Kind.PERSON_PAGE, persons=[person])
        if sensitive:
            log_sensitive_read(
                user=user,
                objects=[
                    person,
                    *context["aliases"],
                    *custody,
                    *context["screenings"],
                    *context["dna_tests"],
                    *context["assessments"],
                    *context["custody_entries"],
                    *([journey] if journey else []),
                    *context["return_assessments"],
                    *proceedings,
                    *(hearing for proceeding in proceedings for hearing in proceeding.hearings.all()),
                ],
                context="person_detail",
            )
        return context


# --- Two persons who may be one: the comparison of the duplicate review queue ----------------------


@require_safe
@permission_required(REVIEW_DUPLICATES_PERMISSION)
def duplicate_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Both records side by side with everything attached, why they look alike, and the decision form.

    No highly sensitive field is shown (the comparison is about identity), so no L3 reading is audited; the
    read log has both persons.
    """
    user = request.user
    pair = get_object_or_404(DuplicatePair.objects.visible_to(user).select_related("decided_by"), public_id=public_id)
    persons = {
        person.pk: person
        for person in selectors.person_detail_queryset(user=user).filter(pk__in=[pair.person_a_id, pair.person_b_id])
    }
    if len(persons) != 2:
        raise Http404
    sides = []
    for person in (persons[pair.person_a_id], persons[pair.person_b_id]):
        visible_relatives = people_selectors.visible_relative_ids(person=person, user=user)
        custody = list(person.custody_periods.all())
        sides.append(
            {
                "person": person,
                "aliases": list(person.aliases.all()),
                "family": [(link, link.relative_id in visible_relatives) for link in person.family_links.all()],
                "custody_periods": custody,
                "nationality_claims": list(person.nationality_claims.all()),
                "documents": list(person.documents.all()),
                "request_memberships": list(person.request_memberships.all()),
            }
        )
    pair.person_a, pair.person_b = sides[0]["person"], sides[1]["person"]
    access.note(request, kind=access.Kind.PERSON_PAGE, persons=[pair.person_a, pair.person_b])
    context = {
        "pair": pair,
        "sides": sides,
        "reasons": pair_reasons(pair),  # computed now, in the reader's language
        "to_review": pair.status in TO_REVIEW,
        "form": PairDecisionForm(),
        "merge_url": duplicate_queue.merge_url(pair),
    }
    return render(request, "pages/duplicate_detail.html", context)


# --- The request page ---------------------------------------------------------------------------


def _render_request_detail(
    request: HttpRequest,
    gov_request: GovernmentRequest,
    *,
    event_form: RequestEventForm | None = None,
    decisions_form: RequestDecisionsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    separations = family_unity.request_separations(gov_request)
    named = family_unity.named_person_ids(separations, user=request.user)  # relatives not covered included
    context = {
        **request_detail_context(request, gov_request, event_form=event_form, decisions_form=decisions_form),
        **reminder_list_context(request, gov_request=gov_request),
        "state_policy": policy_selectors.current_policy(
            organisation_id=gov_request.organisation_id, country=str(gov_request.authority.country)
        ),
        "separations": family_unity.described(separations, user=request.user, named=named),
    }
    shown = [*(row.person_id for row, visible in context["covered"] if visible), *named]
    if shown:  # a request page is about the request: without persons shown, it reads nobody
        access.note(request, kind=access.Kind.LIST, persons=shown)
    return render(request, "pages/request_detail.html", context, status=status)


def _change_from_form(
    request: HttpRequest,
    gov_request: GovernmentRequest,
    name: str,
    form: Any,
    change: Callable[[], Any],
    *,
    success: str,
) -> HttpResponse:
    """Redraw the request page with the invalid `form` (as its context entry `name`), or make `change`
    (a service call with the form's data) and go back to the page (`change_and_return`)."""
    if not form.is_valid():
        return _render_request_detail(request, gov_request, **{name: form})
    return change_and_return(request, gov_request, change, success=success)


@require_safe
@permission_required(VIEW_PERMISSION)
def request_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One request: covered persons and their decisions, events, status history, clock, actions."""
    return _render_request_detail(request, get_request(request, public_id))


@require_POST
@permission_required(ADD_EVENT_PERMISSION)
def request_record_event(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record an event (with an optional document); an invalid form redraws the page with its errors."""
    gov_request = get_request(request, public_id)
    form = RequestEventForm(request.POST, request.FILES)

    def record() -> Any:
        return request_services.gov_request_record_event(
            gov_request=gov_request, actor=request.user, **form.cleaned_data
        )

    return _change_from_form(request, gov_request, "event_form", form, record, success=_("Event recorded."))


@require_POST
@permission_required(DECIDE_PERMISSION)
def request_record_decisions(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Record the State's decision per covered person; the request's status follows once all are decided."""
    gov_request = get_request(request, public_id)
    visible_ids = visible_person_ids(gov_request, request.user)
    rows = [row for row in gov_request.covered.all() if row.person_id in visible_ids]
    form = RequestDecisionsForm(request.POST, rows=rows)

    def decide() -> Any:
        return request_services.gov_request_record_decisions(
            gov_request=gov_request,
            decisions=form.changed_decisions(),
            decided_on=form.cleaned_data["decided_on"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )

    return _change_from_form(request, gov_request, "decisions_form", form, decide, success=_("Decisions recorded."))


# --- Facilities and their population ------------------------------------------------------------


@require_safe
@permission_required(VIEW_FACILITY_PERMISSION)
def facility_list(request: HttpRequest) -> HttpResponse:
    """Every facility with its kind, the authority in control today and its current population."""
    facilities = list(people_selectors.facility_list_rows(user=request.user))
    return render(request, "camps/facility_list.html", {"facilities": facilities})


@require_safe
@permission_required(VIEW_FACILITY_PERMISSION)
def facility_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One facility: current population by section, nationality and age band; who controlled it when."""
    facility = get_object_or_404(camp_selectors.facility_detail_queryset(user=request.user), public_id=public_id)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "facility": facility,
        "current_authority": camp_selectors.controlling_authority_on(facility, today),
        "control_periods": list(facility.control_periods.all()),
        "population": people_selectors.facility_population(facility=facility, user=request.user, today=today),
    }
    return render(request, "camps/facility_detail.html", context)

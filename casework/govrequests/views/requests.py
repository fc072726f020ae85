"""Request pages: list, create, the detail page's context, status moves, event documents, summary, draft persons.

Capabilities are checked before the scoped lookup, so a 403 never tells whether a record exists;
a request outside the user's scope is a 404, the same as a missing one.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_filters.views import FilterView

from casework.core import access, audit
from casework.core.exceptions import DomainError
from casework.core.files import private_file_response
from casework.core.forms import uuids_in
from casework.core.pagination import KeysetPaginator
from casework.core.views import HtmxTableMixin, filter_rows, permission_required
from casework.govrequests import selectors, services
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, DECISION_STATUSES, RequestStatus
from casework.govrequests.filters import GovernmentRequestFilterSet
from casework.govrequests.forms import (
    GovernmentRequestCreateForm,
    RequestAddPersonsForm,
    RequestDecisionsForm,
    RequestEventForm,
    RequestRemovePersonForm,
    RequestTransitionForm,
)
from casework.govrequests.models import (
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
)
from casework.govrequests.views.common import (
    ADD_EVENT_PERMISSION,
    ADD_PERMISSION,
    CHANGE_PERMISSION,
    DECIDE_PERMISSION,
    HANDOVER_ADD_PERMISSION,
    HANDOVER_CHANGE_PERMISSION,
    HANDOVER_VIEW_PERMISSION,
    VIEW_EVENT_PERMISSION,
    VIEW_PERMISSION,
    accepted_rows,
    change_and_return,
    detail_url,
    get_request,
    policy_checked,
    visible_person_ids,
)
from casework.people import selectors as people_selectors
from casework.people.filters import PICKER_LIMIT, picker_candidates
from casework.people.models import Person
from casework.policies.services import OutsidePolicy

PER_PAGE = 25


# --- List ---------------------------------------------------------------------------------------


class GovernmentRequestListView(HtmxTableMixin, PermissionRequiredMixin, FilterView):
    """Requests of the user's scope with filters in the URL, a count, the deadline clock and keyset pages.

    An htmx request gets only the table partial, except for a history restore.
    """

    template_name = "govrequests/request_list.html"
    partial_template_name = "govrequests/_request_table.html"
    filterset_class = GovernmentRequestFilterSet
    permission_required = VIEW_PERMISSION

    def get_queryset(self) -> QuerySet[GovernmentRequest]:
        return selectors.request_list_base(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filterset, queryset = filter_rows(GovernmentRequestFilterSet, request, self.get_queryset())
        paginator = KeysetPaginator(
            selectors.request_list_rows(queryset),
            selectors.REQUEST_LIST_ORDERING,
            PER_PAGE,
            boundary_queryset=selectors.request_list_base(user=request.user),
        )
        page = paginator.page(request.GET.get("cursor"))
        today = timezone.localdate()
        rows = [(gov_request, selectors.deadline_clock(gov_request, today=today)) for gov_request in page]
        context = self.get_context_data(
            filter=self.filterset,
            object_list=page.object_list,
            page=page,
            rows=rows,
            total=queryset.count(),
            can_create=request.user.has_perm(ADD_PERMISSION),
        )
        return self.render_to_response(context)


# --- Create -------------------------------------------------------------------------------------


def _picker(request: HttpRequest, data: Any) -> dict[str, Any]:
    """The person picker: chosen persons (checked) and search results (unchecked), all in scope.

    `data` is the GET or POST data: `person`/`persons` (public ids chosen so far), `q` (search),
    `household` (add the household members of the chosen persons). The search is read from POST only:
    names typed into it must not end up in URLs (access logs, browser history).
    """
    user = request.user
    chosen_ids = uuids_in([*data.getlist("persons"), *data.getlist("person")])
    chosen = selectors.persons_by_public_id(user=user, public_ids=chosen_ids)
    if data.get("household") or data.get("action") == "household":
        known = {person.pk for person in chosen}
        chosen += [
            person for person in selectors.household_members(user=user, persons=chosen) if person.pk not in known
        ]
    query = (request.POST.get("q") or "").strip() if request.method == "POST" else ""
    results = picker_candidates(user=user, query=query, exclude_pks={person.pk for person in chosen})
    access.note_search(request, persons=results, search=query)
    return {"chosen": chosen, "results": results, "query": query, "picker_limit": PICKER_LIMIT}


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(ADD_PERMISSION)
def request_create(request: HttpRequest) -> HttpResponse:
    """Draft a request for persons picked from a search (or preselected with `?person=<uuid>`).

    The page works without JavaScript: the search and "whole household" buttons post the form
    back with `action=search|household`, which redraws the picker and saves nothing.
    """
    user = request.user
    action = request.POST.get("action", "create") if request.method == "POST" else ""
    outside: OutsidePolicy | None = None
    if request.method == "POST" and action == "create":
        form = GovernmentRequestCreateForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            gov_request, outside = policy_checked(
                form,
                lambda: services.gov_request_create(
                    authority=data["authority"],
                    persons=data["persons"],
                    actor=user,
                    channel=data["channel"],
                    notes=data["notes"],
                    organisation_id=data["persons"][0].organisation_id,
                    policy_reason=data["policy_reason"],
                ),
            )
            if not form.errors:
                messages.success(request, _("Request %(reference)s drafted.") % {"reference": gov_request.reference})
                return redirect(detail_url(gov_request))
    elif request.method == "POST":
        # Search or household: redraw with what was entered, without validating or saving.
        form = GovernmentRequestCreateForm(initial=request.POST.dict(), user=user)
    else:
        form = GovernmentRequestCreateForm(user=user)
    data = request.POST if request.method == "POST" else request.GET
    context = {"form": form, "outside_policy": outside, **_picker(request, data)}
    # The persons' own wish about return and the risk on return, seen before the request is drafted.
    assessments = people_selectors.current_return_assessments(persons=context["chosen"])
    for person in context["chosen"]:
        person.current_return_assessments = assessments[person.pk]
    return render(request, "govrequests/request_form.html", context)


# --- Detail and its actions ---------------------------------------------------------------------


def _transition_choices(gov_request: GovernmentRequest, *, can_decide: bool) -> list[tuple[str, Any]]:
    """The moves offered to the user: legal from the current status, decisions only with the capability."""
    labels = dict(RequestStatus.choices)
    return [
        (status, labels[status])
        for status in gov_request.allowed_transitions()
        if can_decide or status not in DECISION_STATUSES
    ]


def request_detail_context(
    request: HttpRequest,
    gov_request: GovernmentRequest,
    *,
    event_form: RequestEventForm | None = None,
    decisions_form: RequestDecisionsForm | None = None,
) -> dict[str, Any]:
    """What the request page shows about the request itself (the page is `casework.pages.views.request_detail`)."""
    user = request.user
    can_decide = user.has_perm(DECIDE_PERMISSION)
    can_change = user.has_perm(CHANGE_PERMISSION)
    covered = list(gov_request.covered.all())
    visible_ids = visible_person_ids(gov_request, user)
    decidable = [row for row in covered if row.person_id in visible_ids]
    transitions = _transition_choices(gov_request, can_decide=can_decide) if can_change else []
    can_record_decisions = can_decide and bool(decidable) and gov_request.can_record_decisions
    return {
        "gov_request": gov_request,
        "covered": [(row, row.person_id in visible_ids) for row in covered],
        "events": list(gov_request.events.all()),
        "status_changes": list(gov_request.status_changes.all()),
        "clock": selectors.deadline_clock(gov_request),
        "transitions": transitions,
        "transition_form": RequestTransitionForm(status_choices=transitions) if transitions else None,
        "followup_possible": gov_request.status in AWAITING_ANSWER_STATUSES,
        "can_record_event": user.has_perm(ADD_EVENT_PERMISSION),
        "event_form": event_form or RequestEventForm(initial={"occurred_on": timezone.localdate()}),
        "can_record_decisions": can_record_decisions,
        "decisions_form": (
            (decisions_form or RequestDecisionsForm(rows=decidable, initial={"decided_on": timezone.localdate()}))
            if can_record_decisions
            else None
        ),
        **_draft_and_handover_context(user, gov_request, visible_ids),
    }


def _draft_and_handover_context(user: Any, gov_request: GovernmentRequest, visible_ids: set[int]) -> dict[str, Any]:
    """What the detail page shows about editing a draft's persons and about handover operations.

    Three queries at most (operations, their persons, which of them the user sees), whatever the number of rows.
    """
    operations: list[HandoverOperation] = []
    if user.has_perm(HANDOVER_VIEW_PERMISSION):
        operations = list(
            HandoverOperation.objects.visible_to(user)
            .filter(request=gov_request)
            .prefetch_related(
                Prefetch(
                    "handed_persons",
                    queryset=HandoverPerson.objects.select_related("person").order_by("person__case_number", "pk"),
                )
            )
            .order_by("-planned_on", "-pk")
        )
    seen_whole = selectors.handovers_seen_whole(operations=operations, user=user) if operations else set()
    return {
        "can_edit_persons": user.has_perm(CHANGE_PERMISSION) and gov_request.status == RequestStatus.DRAFT,
        # (operation, its rows with whether each person is visible, whether the user sees them all:
        # completing, cancelling and the signed document need that).
        "handovers": [
            (
                operation,
                [(row, row.person_id in visible_ids) for row in operation.handed_persons.all()],
                operation.pk in seen_whole,
            )
            for operation in operations
        ],
        "can_plan_handover": (
            user.has_perm(HANDOVER_ADD_PERMISSION)
            and gov_request.can_plan_handover
            and bool(accepted_rows(gov_request, visible_ids))
        ),
        "can_complete_handover": user.has_perm(HANDOVER_CHANGE_PERMISSION),
    }


@require_POST
@permission_required(CHANGE_PERMISSION)
def request_transition(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Move the request to another status; decision statuses need the decide capability."""
    can_decide = request.user.has_perm(DECIDE_PERMISSION)
    if request.POST.get("to") in DECISION_STATUSES and not can_decide:
        raise PermissionDenied
    gov_request = get_request(request, public_id)
    form = RequestTransitionForm(request.POST, status_choices=_transition_choices(gov_request, can_decide=can_decide))
    if not form.is_valid():
        messages.error(request, _("This status change is not possible from the current status."))
        return HttpResponseRedirect(detail_url(gov_request))
    data = form.cleaned_data
    return change_and_return(
        request,
        gov_request,
        lambda: services.gov_request_transition(
            gov_request=gov_request, to=data["to"], actor=request.user, note=data["note"]
        ),
        success=_("Status changed."),
    )


@require_safe
@permission_required(VIEW_EVENT_PERMISSION)
def request_event_document(request: HttpRequest, public_id: UUID, event_id: UUID) -> FileResponse:
    """The document attached to an event, as a download under an opaque name; each download is audited."""
    event = get_object_or_404(
        RequestEvent.objects.visible_to(request.user), request__public_id=public_id, public_id=event_id
    )
    if not event.document:
        raise Http404
    audit.record(
        actor=request.user,
        action="govrequests.event.document_downloaded",
        target=event.request,
        data={"event": str(event.public_id)},
    )
    # An answer or a letter is about the persons the request covers: those the user sees are logged.
    access.note(request, kind=access.Kind.DOCUMENT, persons=visible_person_ids(event.request, request.user))
    return private_file_response(event.document)


# --- Printable summary --------------------------------------------------------------------------


@require_safe
@permission_required(VIEW_PERMISSION)
def request_summary(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A print-friendly summary for the authority: identity fields of the covered persons only.

    No L3 field and no internal note appears. Viewing it is audited; printing it is not recorded as a
    disclosure (only a sent follow-up is, see `request_followup_send`).
    """
    gov_request = get_object_or_404(
        GovernmentRequest.objects.visible_to(request.user).select_related("authority"), public_id=public_id
    )
    rows: list[RequestedPerson] = selectors.request_summary_rows(gov_request=gov_request, user=request.user)
    hidden = gov_request.covered.count() - len(rows)
    audit.record(
        actor=request.user,
        action="govrequests.request.summary_viewed",
        target=gov_request,
        data={"persons": [str(row.person.public_id) for row in rows]},
    )
    access.note(request, kind=access.Kind.EXPORT, persons=[row.person_id for row in rows])
    context = {"gov_request": gov_request, "rows": rows, "hidden_count": hidden, "today": timezone.localdate()}
    return render(request, "govrequests/request_summary.html", context)


# --- Persons of a draft -------------------------------------------------------------------------


def _get_request_with_persons(request: HttpRequest, public_id: UUID) -> GovernmentRequest:
    """A visible request with its covered persons only (not the events and history of the detail page)."""
    covered = Prefetch("covered", queryset=RequestedPerson.objects.select_related("person").order_by("pk"))
    return get_object_or_404(
        GovernmentRequest.objects.visible_to(request.user).select_related("authority").prefetch_related(covered),
        public_id=public_id,
    )


def _draft_or_redirect(request: HttpRequest, gov_request: GovernmentRequest) -> HttpResponse | None:
    if gov_request.status != RequestStatus.DRAFT:
        messages.error(request, _("Persons can only be added or removed while the request is a draft."))
        return HttpResponseRedirect(detail_url(gov_request))
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(CHANGE_PERMISSION)
def request_add_persons(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add persons to a draft: household members of the covered persons are offered, others found by search.

    Works without JavaScript: the search button posts the form back with `action=search`, which
    redraws the page with the ticked persons kept and saves nothing. The search is never read from
    the URL: names typed into it would end up in access logs and browser history.
    """
    user = request.user
    gov_request = _get_request_with_persons(request, public_id)
    not_draft = _draft_or_redirect(request, gov_request)
    if not_draft:
        return not_draft
    searching = request.method == "POST" and request.POST.get("action") == "search"
    form = RequestAddPersonsForm(
        request.POST if request.method == "POST" and not searching else None,
        user=user,
        organisation_id=gov_request.organisation_id,
    )
    outside: OutsidePolicy | None = None
    if form.is_valid():
        added, outside = policy_checked(
            form,
            lambda: services.gov_request_add_persons(
                gov_request=gov_request,
                persons=form.cleaned_data["persons"],
                actor=user,
                policy_reason=form.cleaned_data["policy_reason"],
            ),
        )
        if not form.errors:
            messages.success(request, _("%(count)d person(s) added.") % {"count": added})
            return HttpResponseRedirect(detail_url(gov_request))
    covered_ids = {row.person_id for row in gov_request.covered.all()}
    same_organisation = Person.objects.visible_to(user).filter(organisation_id=gov_request.organisation_id)
    covered_persons = [row.person for row in gov_request.covered.all()]
    household = [
        person
        for person in selectors.household_members(user=user, persons=covered_persons)
        if person.pk not in covered_ids and person.organisation_id == gov_request.organisation_id
    ]
    query = (request.POST.get("q") or "").strip() if request.method == "POST" else ""
    results = picker_candidates(
        user=user,
        query=query,
        organisation_id=gov_request.organisation_id,
        exclude_pks=covered_ids | {person.pk for person in household},
    )
    access.note_search(request, persons=results, search=query)
    # Nothing is ticked in advance: a person is added only when the user ticks them.
    ticked = set(request.POST.getlist("persons")) if request.method == "POST" else set()
    # Persons ticked from an earlier search stay ticked (and listed) when the user searches again.
    shown = {str(person.public_id) for person in [*household, *results]}
    kept_ids = uuids_in(ticked - shown)
    kept = (
        list(same_organisation.filter(public_id__in=kept_ids).exclude(pk__in=covered_ids).order_by("case_number"))
        if kept_ids
        else []
    )
    if household or kept:  # the page names no covered person: only those it offers to add
        access.note(request, kind=access.Kind.LIST, persons=[*household, *kept])
    context = {
        "gov_request": gov_request,
        "form": form,
        "household": household,
        "results": results,
        "kept_rows": [(person, True) for person in kept],
        "household_rows": [(person, str(person.public_id) in ticked) for person in household],
        "result_rows": [(person, str(person.public_id) in ticked) for person in results],
        "query": query,
        "picker_limit": PICKER_LIMIT,
        "outside_policy": outside,
    }
    return render(request, "govrequests/request_add_persons.html", context)


@require_POST
@permission_required(CHANGE_PERMISSION)
def request_remove_person(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Take one covered person off a draft; a person the user cannot see is a 404."""
    gov_request = get_request(request, public_id)
    form = RequestRemovePersonForm(request.POST)
    if not form.is_valid():
        raise Http404
    visible_ids = visible_person_ids(gov_request, request.user)
    row = next(
        (
            row
            for row in gov_request.covered.all()
            if row.person.public_id == form.cleaned_data["person"] and row.person_id in visible_ids
        ),
        None,
    )
    if row is None:
        raise Http404
    try:
        services.gov_request_remove_person(gov_request=gov_request, person=row.person, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Case %(case)s removed from the request.") % {"case": row.person.case_number})
    return HttpResponseRedirect(detail_url(gov_request))

"""Admins of government authorities, requests, their events and status changes, and handover operations."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core.admin import (
    AuditedHistoryAdmin,
    StatusChangeAdmin,
    adopt,
    country_filter,
    run_form_action,
    run_status_action,
)
from casework.core.exceptions import DomainError
from casework.core.forms import StatusTransitionForm
from casework.govrequests import services
from casework.govrequests.admin.common import StatusAndPersonsColumnsMixin, record_event, searches_for
from casework.govrequests.admin.forms import DecisionsForm
from casework.govrequests.admin.inlines import (
    HandoverPersonInline,
    RequestedPersonInline,
    RequestEventInline,
    RequestStatusChangeInline,
)
from casework.govrequests.choices import HANDOVER_STATUS_BADGE, REQUEST_STATUS_BADGE, RequestStatus
from casework.govrequests.models import (
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.govrequests.views.common import warn_refused_case_moves
from casework.people.models import Person


@admin.register(GovernmentAuthority)
class GovernmentAuthorityAdmin(AuditedHistoryAdmin):
    list_display = ("name", "state", "kind", "email", "language", "is_active")
    list_filter = (country_filter("country", _("State")), "kind", "is_active")
    list_select_related = ()
    search_fields = ("name", "email")
    ordering = ("country", "name")
    fields = ("country", "name", "kind", "email", "language", "address", "is_active", "public_id")
    readonly_fields = ("public_id",)

    @admin.display(description=_("State"), ordering="country")
    def state(self, obj: GovernmentAuthority) -> str:
        return obj.country.name


@admin.register(GovernmentRequest)
class GovernmentRequestAdmin(StatusAndPersonsColumnsMixin, AuditedHistoryAdmin):
    status_colours = REQUEST_STATUS_BADGE
    person_rows = (RequestedPerson, "request")
    list_display = (
        "reference",
        "authority",
        "state",
        "status_badge",
        "drafted_on",
        "submitted_on",
        "acknowledged_on",
        "answer_due_on",
        "person_count",
    )
    list_filter = (
        "status",
        country_filter("authority__country", _("State")),
        ("authority", admin.RelatedOnlyFieldListFilter),
        "channel",
    )
    list_select_related = ("authority", "organisation")
    search_fields = ("reference", "authority__name", "=covered__person__case_number")
    date_hierarchy = "drafted_on"
    autocomplete_fields = ("authority",)
    actions = ("change_request_status", "record_decisions")
    readonly_fields = (
        "status",
        "status_changed_at",
        "submitted_on",
        "acknowledged_on",
        "decided_on",
        "acknowledgement_due_on",
        "answer_due_on",
        "answer_due_extended",
        "clock_paused_on",
        "clock_paused_days",
        "created_by",
        "public_id",
        "created_at",
        "updated_at",
    )
    add_fieldsets = ((None, {"fields": ("organisation", "reference", "authority", "channel", "drafted_on", "notes")}),)
    fieldsets = (
        (None, {"fields": ("organisation", "reference", "authority", "channel", ("status", "status_changed_at"))}),
        (
            _("Dates"),
            {"fields": (("drafted_on", "submitted_on", "acknowledged_on"), "decided_on")},
        ),
        (
            _("Deadline clock"),
            {
                "fields": (
                    ("acknowledgement_due_on", "answer_due_on", "answer_due_extended"),
                    ("clock_paused_on", "clock_paused_days"),
                )
            },
        ),
        (None, {"fields": ("notes",)}),
        (_("Record"), {"fields": (("public_id", "created_by"), ("created_at", "updated_at"))}),
    )
    inlines = [RequestedPersonInline, RequestEventInline, RequestStatusChangeInline]

    def get_fieldsets(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> list[tuple[Any, dict]]:
        if obj is None:
            return list(self.add_fieldsets)  # no L3 field on requests: nothing to strip
        return super().get_fieldsets(request, obj)

    def get_form(self, request: HttpRequest, obj: GovernmentRequest | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "reference" in form.base_fields:
            form.base_fields["reference"].required = False
            form.base_fields["reference"].help_text = gettext("Leave empty to number the request automatically.")
        return form

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = list(super().get_list_filter(request))
        return [*filters, "organisation"] if request.user.is_superuser else filters

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        # For an assigned-only user, a case number matches only their own cases (get_search_results).
        return searches_for(request, super().get_search_fields(request), covering="covered")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        user = request.user
        if search_term.strip() and not user.is_superuser and user.sees_assigned_only:
            own_cases = Person.objects.visible_to(user).filter(case_number=search_term.strip())
            results = results | queryset.filter(covered__person__in=own_cases)
            may_have_duplicates = True
        return results, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: GovernmentRequest, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.gov_request_create(
            authority=obj.authority,
            persons=[],
            actor=request.user,
            drafted_on=obj.drafted_on,
            channel=obj.channel,
            reference=obj.reference,
            notes=obj.notes,
            organisation_id=obj.organisation_id,
        )
        adopt(obj, created)

    @admin.display(description=_("State"), ordering="authority__country")
    def state(self, obj: GovernmentRequest) -> str:
        return obj.authority.country.name

    # Actions.
    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("govrequests.decide_request")

    @admin.action(description=_("Change request status…"), permissions=["change"])
    def change_request_status(self, request: HttpRequest, queryset: QuerySet[GovernmentRequest]) -> Any:
        def apply(gov_request: GovernmentRequest, form: StatusTransitionForm) -> None:
            data = form.cleaned_data
            moved = services.gov_request_transition(
                gov_request=gov_request, to=data["to"], actor=request.user, note=data["note"]
            )
            warn_refused_case_moves(request, moved)

        return run_status_action(
            self,
            request,
            queryset,
            choices=RequestStatus.choices,
            apply=apply,
            title=gettext("Change request status"),
            success_message=gettext("Status changed for %(count)s request(s): %(objects)s."),
        )

    @admin.action(description=_("Record decisions…"), permissions=["decide"])
    def record_decisions(self, request: HttpRequest, queryset: QuerySet[GovernmentRequest]) -> Any:
        rows = (
            RequestedPerson.objects.visible_to(request.user)
            .filter(request_id__in=[r.pk for r in queryset])
            .select_related("request", "person")
            .order_by("request__reference", "person__case_number")
        )

        def apply(gov_request: GovernmentRequest, form: DecisionsForm) -> None:
            decisions = form.changed_decisions_of(gov_request)
            if not decisions:
                raise DomainError(gettext("No decision was changed."))
            decided = services.gov_request_record_decisions(
                gov_request=gov_request,
                decisions=decisions,
                decided_on=form.cleaned_data["decided_on"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
            warn_refused_case_moves(request, decided)

        return run_form_action(
            self,
            request,
            queryset,
            form_class=DecisionsForm,
            form_kwargs={"rows": rows},
            title=gettext("Record the State's decisions"),
            submit_label=gettext("Record decisions"),
            apply=apply,
            success_message=gettext("Decisions recorded on %(count)s request(s): %(objects)s."),
        )


@admin.register(RequestEvent)
class RequestEventAdmin(AuditedHistoryAdmin):
    list_display = ("occurred_on", "request", "kind", "due_on", "created_by")
    list_filter = ("kind", "due_on", "occurred_on")
    list_select_related = ("request", "created_by")
    search_fields = ("^request__reference",)
    autocomplete_fields = ("request",)
    date_hierarchy = "occurred_on"
    fields = ("request", "kind", ("occurred_on", "due_on"), "description", "document", "created_by")
    readonly_fields = ("created_by",)

    def save_model(self, request: HttpRequest, obj: RequestEvent, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        adopt(obj, record_event(request, gov_request=obj.request, obj=obj, form=form))


@admin.register(RequestStatusChange)
class RequestStatusChangeAdmin(StatusChangeAdmin):
    record_field = "request"
    record_key = "reference"


@admin.register(HandoverOperation)
class HandoverOperationAdmin(StatusAndPersonsColumnsMixin, AuditedHistoryAdmin):
    """Handover operations. Status and signing date are set by the handover's completion (a service)."""

    status_colours = HANDOVER_STATUS_BADGE
    person_rows = (HandoverPerson, "operation")
    list_display = (
        "planned_on",
        "receiving_country",
        "place",
        "request",
        "status_badge",
        "document_signed_on",
        "person_count",
    )
    list_filter = ("status", country_filter("receiving_country", _("receiving State")), "planned_on")
    list_select_related = ("request", "organisation")
    search_fields = ("place", "receiving_delegation", "^request__reference")
    autocomplete_fields = ("request",)
    date_hierarchy = "planned_on"
    fields = (
        "organisation",
        "request",
        "receiving_country",
        ("planned_on", "place"),
        "receiving_delegation",
        ("status", "document_signed_on"),
        "handover_document",
        "notes",
    )
    readonly_fields = ("status", "document_signed_on")
    inlines = [HandoverPersonInline]

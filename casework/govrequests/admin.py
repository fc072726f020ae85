"""Admin of government authorities, requests, their events and decisions, and handover operations.

Writes that matter go through the services: a new request through `gov_request_create`, persons
added to a draft through `gov_request_add_persons`, new events through `gov_request_record_event`
(which may move the status), status changes through the "Change request status…" action and the
State's decisions through the "Record decisions…" action (`gov_request_record_decisions`, which
needs `govrequests.decide_request`). Disclosure policies are edited here; follow-up drafts and the
disclosure record are read-only (they are written by `followup_draft_for` and `followup_send`). In the request's inline, decisions are read-only and covered
persons can only be added or removed while the request is a draft.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core.admin import (
    AuditedHistoryAdmin,
    AuditedModelAdmin,
    ReadOnlyInlineMixin,
    ReadOnlyModelAdmin,
    ScopedInlineMixin,
    adopt,
    allowed_status_choices,
    country_filter,
    related_count,
    run_form_action,
    status_badge,
)
from casework.core.exceptions import DomainError
from casework.core.forms import StatusTransitionForm
from casework.govrequests import services
from casework.govrequests.choices import (
    HANDOVER_STATUS_BADGE,
    REQUEST_STATUS_BADGE,
    DisclosureField,
    RequestStatus,
)
from casework.govrequests.forms import RequestDecisionsForm
from casework.govrequests.models import (
    AnswerPeriod,
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    DisclosurePolicy,
    FollowUpItem,
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.govrequests.services.clock import request_clocks_refresh
from casework.govrequests.views.common import warn_refused_case_moves
from casework.people.models import Person


class DecisionsForm(RequestDecisionsForm):
    """The web page's decisions form (same rules: no date in the future) over the rows of several requests.

    Fields are named by row, not by person, since a person may be covered by two selected requests.
    """

    def __init__(self, *args: Any, rows: Sequence[RequestedPerson], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", None)
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, rows=list(rows), **kwargs)
        for row in self.rows:
            self.fields[self.field_name(row)].label = f"{row.request.reference} – {row.person.case_number}"

    @staticmethod
    def field_name(row: RequestedPerson) -> str:
        return f"decision_{row.pk}"

    def changed_decisions_of(self, gov_request: GovernmentRequest) -> dict[Any, str]:
        """{person: decision} for the rows of `gov_request` whose decision the user changed."""
        return {row.person: value for row, value in self.changed_rows() if row.request_id == gov_request.pk}


# --- Inlines ---------------------------------------------------------------------------------------


class RequestedPersonInline(ScopedInlineMixin, admin.TabularInline):
    """Covered persons: added or removed only while the request is a draft; decisions via the action."""

    model = RequestedPerson
    fields = ("person", "decision", "decided_on", "decision_note")
    readonly_fields = ("decision", "decided_on", "decision_note")
    autocomplete_fields = ("person",)
    inline_select_related = ("person",)

    @staticmethod
    def _draft(obj: GovernmentRequest | None) -> bool:
        return obj is None or obj.status == RequestStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return False  # rows are added or removed; decisions change through "Record decisions…"

    def has_delete_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)

    def save_new_object(self, request: HttpRequest, *, parent: GovernmentRequest, obj: Any, form: Any) -> None:
        services.gov_request_add_persons(gov_request=parent, persons=[obj.person], actor=request.user)


class RequestEventInline(ScopedInlineMixin, admin.TabularInline):
    """Events; a new one goes through `gov_request_record_event`, which moves the status when it should."""

    model = RequestEvent
    fields = ("kind", "occurred_on", "due_on", "description", "document", "created_by")
    readonly_fields = ("created_by",)
    inline_select_related = ("created_by",)

    def save_new_object(self, request: HttpRequest, *, parent: GovernmentRequest, obj: Any, form: Any) -> None:
        upload = form.cleaned_data.get("document") if form is not None else None
        event = services.gov_request_record_event(
            gov_request=parent,
            kind=obj.kind,
            occurred_on=obj.occurred_on,
            actor=request.user,
            due_on=obj.due_on,
            description=obj.description,
            document=upload or None,
        )
        adopt(obj, event)


class RequestStatusChangeInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = RequestStatusChange
    fields = ("created_at", "old_status", "new_status", "actor", "note")
    readonly_fields = fields
    inline_select_related = ("actor",)


class HandoverPersonInline(ScopedInlineMixin, admin.TabularInline):
    model = HandoverPerson
    fields = ("person", "handed_over")
    readonly_fields = ("handed_over",)  # set by the handover's completion
    autocomplete_fields = ("person",)
    inline_select_related = ("person",)


# --- Model admins ----------------------------------------------------------------------------------


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
class GovernmentRequestAdmin(AuditedHistoryAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[GovernmentRequest]:
        return super().get_queryset(request).annotate(person_total=related_count(RequestedPerson.objects, "request"))

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

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = list(super().get_list_filter(request))
        return [*filters, "organisation"] if request.user.is_superuser else filters

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        fields = super().get_search_fields(request)
        if request.user.is_superuser or not request.user.sees_assigned_only:
            return fields
        # A request also covers colleagues' cases: for an assigned-only user, a case number matches
        # only their own cases (get_search_results), never whether another case is on a request.
        return [f for f in fields if not f.lstrip("^=@").startswith("covered__")]

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

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: GovernmentRequest) -> str:
        return status_badge(obj.get_status_display(), REQUEST_STATUS_BADGE.get(obj.status, "secondary"))

    @admin.display(description=_("persons"), ordering="person_total")
    def person_count(self, obj: GovernmentRequest) -> int:
        return obj.person_total

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

        return run_form_action(
            self,
            request,
            queryset,
            form_class=StatusTransitionForm,
            form_kwargs={"status_choices": allowed_status_choices(queryset, RequestStatus.choices)},
            title=gettext("Change request status"),
            submit_label=gettext("Change status"),
            apply=apply,
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
        event = services.gov_request_record_event(
            gov_request=obj.request,
            kind=obj.kind,
            occurred_on=obj.occurred_on,
            actor=request.user,
            due_on=obj.due_on,
            description=obj.description,
            document=form.cleaned_data.get("document") or None,
        )
        adopt(obj, event)


@admin.register(RequestStatusChange)
class RequestStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "request", "old_status", "new_status", "actor")
    list_filter = ("new_status", "old_status", "created_at")
    list_select_related = ("request", "actor")
    search_fields = ("^request__reference",)
    date_hierarchy = "created_at"
    fields = ("created_at", "request", "old_status", "new_status", "actor", "note")
    readonly_fields = fields


@admin.register(HandoverOperation)
class HandoverOperationAdmin(AuditedHistoryAdmin):
    """Handover operations. Status and signing date are set by the handover's completion (a service)."""

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[HandoverOperation]:
        return super().get_queryset(request).annotate(person_total=related_count(HandoverPerson.objects, "operation"))

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: HandoverOperation) -> str:
        return status_badge(obj.get_status_display(), HANDOVER_STATUS_BADGE.get(obj.status, "secondary"))

    @admin.display(description=_("persons"), ordering="person_total")
    def person_count(self, obj: HandoverOperation) -> int:
        return obj.person_total


# --- Disclosure policies, follow-up drafts and the disclosure record ------------------------------


class DisclosurePolicyForm(forms.ModelForm):
    """The fields disclosed are ticked from the whitelist: an L3 field is not even offered."""

    fields = forms.MultipleChoiceField(
        label=_("fields disclosed"),
        choices=DisclosureField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The case number is always disclosed. Highly sensitive (L3) fields never are."),
    )

    class Meta:
        model = DisclosurePolicy
        fields = ("organisation", "country", "authority", "fields", "basis")


@admin.register(DisclosurePolicy)
class DisclosurePolicyAdmin(AuditedModelAdmin):
    form = DisclosurePolicyForm
    list_display = ("organisation", "state", "authority", "fields_disclosed", "updated_at")
    list_filter = (country_filter("country", _("State")),)
    list_select_related = ("organisation", "authority")
    autocomplete_fields = ("authority",)
    fields = ("organisation", "country", "authority", "fields", "basis")

    @admin.display(description=_("State"), ordering="country")
    def state(self, obj: DisclosurePolicy) -> str:
        return obj.country.name if obj.country else "—"

    @admin.display(description=_("fields disclosed"))
    def fields_disclosed(self, obj: DisclosurePolicy) -> str:
        labels = dict(DisclosureField.choices)
        return ", ".join(str(labels.get(field, field)) for field in obj.fields)


@admin.register(AnswerPeriod)
class AnswerPeriodAdmin(AuditedModelAdmin):
    """Answer periods of the deadline clock; saving one recomputes the clocks of the requests it may govern."""

    list_display = ("organisation", "state", "authority", "acknowledgement_days", "decision_days", "updated_at")
    list_filter = (country_filter("country", _("State")),)
    list_select_related = ("organisation", "authority")
    autocomplete_fields = ("authority",)
    fields = ("organisation", "country", "authority", "acknowledgement_days", "decision_days", "notes")

    def has_change_permission(self, request: HttpRequest, obj: AnswerPeriod | None = None) -> bool:
        # Defaults apply to every organisation: only superusers change them.
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: AnswerPeriod | None = None) -> bool:
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: AnswerPeriod, form: Any, change: bool) -> None:
        if not request.user.is_superuser and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        request_clocks_refresh(organisation_id=obj.organisation_id)

    def delete_model(self, request: HttpRequest, obj: AnswerPeriod) -> None:
        organisation_id = obj.organisation_id
        super().delete_model(request, obj)
        request_clocks_refresh(organisation_id=organisation_id)

    @admin.display(description=_("State"), ordering="country")
    def state(self, obj: AnswerPeriod) -> str:
        return obj.country.name if obj.country else "—"


class FollowUpItemInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = FollowUpItem
    fields = ("requested_person",)
    readonly_fields = fields
    inline_select_related = ("requested_person__person", "requested_person__request")

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(requested_person__in=RequestedPerson.objects.visible_to(request.user))


@admin.register(AuthorityFollowUp)
class AuthorityFollowUpAdmin(ReadOnlyModelAdmin):
    """Follow-up drafts are made, sent and discarded from the request page; here they are only read."""

    list_display = ("authority", "organisation", "status", "refreshed_at", "closed_at", "closed_by")
    list_filter = ("status",)
    list_select_related = ("authority", "organisation", "closed_by")
    fields = ("public_id", "organisation", "authority", "status", "refreshed_at", "closed_at", "closed_by")
    readonly_fields = fields
    inlines = (FollowUpItemInline,)


class DisclosedPersonInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = DisclosedPerson
    fields = ("person", "case_number", "request_references")
    readonly_fields = fields
    inline_select_related = ("person",)


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyModelAdmin):
    """The disclosure record: immutable, written only when a follow-up is sent."""

    list_display = ("disclosed_at", "authority_name", "to_email", "organisation", "disclosed_by", "person_count")
    list_filter = ("disclosed_at",)
    list_select_related = ("organisation", "disclosed_by")
    search_fields = ("authority_name", "to_email", "^disclosed_persons__case_number")
    date_hierarchy = "disclosed_at"
    fields = (
        "public_id",
        "disclosed_at",
        "disclosed_by",
        "organisation",
        "authority",
        "authority_name",
        "to_email",
        "channel",
        "language",
        "fields_disclosed",
        "basis",
        "followup",
        "request_references",
    )
    readonly_fields = fields
    inlines = (DisclosedPersonInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Disclosure]:
        return super().get_queryset(request).annotate(person_count=related_count(DisclosedPerson.objects, "disclosure"))

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        fields = super().get_search_fields(request)
        if request.user.is_superuser or not request.user.sees_assigned_only:
            return fields
        # A search by case number would tell an assigned-only user whether a person outside
        # their caseload was disclosed, and to whom.
        return [f for f in fields if not f.lstrip("^=@").startswith("disclosed_persons__")]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Disclosure | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Only the requests the user may see: a disclosure also covers colleagues' cases.
            obj.visible_references = list(
                GovernmentRequest.objects.visible_to(request.user)
                .filter(disclosures=obj)
                .order_by("reference")
                .values_list("reference", flat=True)
            )
        return obj

    @admin.display(description=_("persons"))
    def person_count(self, obj: Disclosure) -> int:
        return obj.person_count

    @admin.display(description=_("fields disclosed"))
    def fields_disclosed(self, obj: Disclosure) -> str:
        return ", ".join(obj.field_labels())

    @admin.display(description=_("requests"))
    def request_references(self, obj: Disclosure) -> str:
        return ", ".join(getattr(obj, "visible_references", ()))

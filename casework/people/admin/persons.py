"""The person admin (registered by `casework.pages.admin`, which adds the inlines of the apps above)."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import User
from casework.core.admin import AuditedHistoryAdmin, run_form_action, run_status_action, status_badge
from casework.core.exceptions import DomainError
from casework.core.forms import StatusTransitionForm
from casework.people import services
from casework.people.admin.filters import AssignedCaseworkerFilter, CurrentFacilityFilter, NationalityFilter
from casework.people.admin.forms import AssignForm, PersonAdminForm
from casework.people.admin.inlines import (
    AliasInline,
    AssessmentInline,
    CustodyPeriodInline,
    DnaTestInline,
    FamilyLinkInline,
    IdentityDocumentInline,
    JourneyToSyriaInline,
    NationalityClaimInline,
    PersonStatusChangeInline,
    ReturnAssessmentInline,
)
from casework.people.choices import CASE_STATUS_BADGE, CaseStatus, ClosureReason
from casework.people.filters import case_number_prefix, name_matches
from casework.people.models import CustodyPeriod, FamilyLink, NationalityClaim, Person


class PersonAdmin(AuditedHistoryAdmin):
    """The person's change form with its own records; registered with the inlines of higher apps in pages."""

    form = PersonAdminForm
    audit_on_save = False  # person_register and person_update record their own events

    list_display = (
        "case_number",
        "latin_name",
        "arabic_name",
        "sex",
        "age",
        "primary_nationality",
        "current_facility",
        "status_badge",
        "assigned_to",
        "updated_at",
    )
    list_display_links = ("case_number",)
    list_filter = (
        "status",
        "sex",
        "separation_status",
        NationalityFilter,
        CurrentFacilityFilter,
        AssignedCaseworkerFilter,
    )
    list_select_related = ("assigned_to", "organisation")
    # The search box and the person autocomplete; get_search_results does the actual matching.
    search_fields = ("case_number",)
    search_help_text = _("Case number (or its start), names in any script, aliases.")
    date_hierarchy = "created_at"
    ordering = ("case_number",)
    autocomplete_fields = ("household",)
    actions = ("change_status", "assign_caseworker")
    readonly_fields = (
        "case_number",
        "status",
        "status_changed_at",
        "closure_reason",
        "created_at",
        "updated_at",
        "created_by",
        "public_id",
    )
    fieldsets = (
        (
            _("Case"),
            {
                "fields": (
                    ("case_number", "organisation"),
                    ("status", "status_changed_at", "closure_reason"),
                    ("assigned_to", "household"),
                )
            },
        ),
        (
            _("Name in Latin script"),
            {"fields": (("given_name_lat", "father_name_lat"), ("grandfather_name_lat", "family_name_lat"))},
        ),
        (
            _("Name in Arabic script"),
            {"fields": (("given_name_ar", "father_name_ar"), ("grandfather_name_ar", "family_name_ar"))},
        ),
        (
            _("Birth and origin"),
            {
                "fields": (
                    "sex",
                    ("birth_date", "birth_date_precision"),
                    ("birth_date_earliest", "birth_date_latest"),
                    ("place_of_birth", "country_of_birth"),
                    "birth_unregistered",
                    "languages",
                    "date_of_death",
                )
            },
        ),
        (_("Situation"), {"fields": ("separation_status", "whereabouts_unknown", "photo")}),
        (
            _("Health and child protection (highly sensitive)"),
            {
                "fields": (
                    ("has_disability", "has_medical_condition", "medical_urgent"),
                    "health_notes",
                    "child_protection_notes",
                )
            },
        ),
        (_("Record"), {"fields": (("public_id", "created_by"), ("created_at", "updated_at"), "version")}),
    )
    inlines = [
        AliasInline,
        FamilyLinkInline,
        CustodyPeriodInline,
        NationalityClaimInline,
        IdentityDocumentInline,
        DnaTestInline,
        AssessmentInline,
        JourneyToSyriaInline,
        ReturnAssessmentInline,
        PersonStatusChangeInline,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        primary = NationalityClaim.objects.filter(person=OuterRef("pk"), is_primary=True)
        current = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(
                primary_nationality_code=Subquery(primary.values("country")[:1]),
                current_facility_name=Subquery(current.values("facility__name")[:1]),
            )
        )

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = list(super().get_list_filter(request))
        return [*filters, "organisation"] if request.user.is_superuser else filters

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # Assignment changes go through the "Assign to caseworker…" action (people.assign_case).
        if obj is not None or not request.user.has_perm("people.assign_case"):
            readonly.append("assigned_to")
        return readonly

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """A case-number prefix, or a name in any script and spelling (the matcher's candidates).

        The changelist keeps its own ordering; the matcher only chooses the rows (at most
        `name_search.MAX_RESULTS`, the best ones).
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = name_matches(user=request.user, text=term)
        return queryset.filter(case_number_prefix(term) | Q(pk__in=list(matches))), False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is FamilyLink:
            # A family link is stored in both directions: deleting one row removes its inverse too.
            for link in formset.deleted_objects:
                try:
                    services.family_link_inverse_remove(link=link, actor=request.user)
                except PermissionDenied:
                    # Rolls the whole save back; the change form shows it as "Nothing was saved: …".
                    raise DomainError(
                        gettext("A family link to a relative outside your caseload cannot be removed.")
                    ) from None

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        if change:
            services.person_update(person=obj, actor=request.user, expected_updated_at=form.expected_updated_at())
            return
        if request.user.sees_assigned_only and obj.assigned_to_id is None:
            # Otherwise an assigned-only user would lose sight of the case they just registered.
            obj.assigned_to = request.user
        services.person_register(person=obj, actor=request.user)

    # Columns: computed from the row and its annotations, no query per row.
    @admin.display(description=_("name (Latin)"), ordering="family_name_lat")
    def latin_name(self, obj: Person) -> str:
        return obj.full_name_lat

    @admin.display(description=_("name (Arabic)"), ordering="family_name_ar")
    def arabic_name(self, obj: Person) -> str:
        return obj.full_name_ar

    @admin.display(description=_("age"), ordering="-birth_date_earliest")
    def age(self, obj: Person) -> int | None:
        return obj.age_on(timezone.localdate())

    @admin.display(description=_("nationality"), ordering="primary_nationality_code")
    def primary_nationality(self, obj: Person) -> str:
        code = obj.primary_nationality_code
        return countries.name(code) if code else "—"

    @admin.display(description=_("current facility"), ordering="current_facility_name")
    def current_facility(self, obj: Person) -> str:
        return obj.current_facility_name or "—"

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Person) -> str:
        return status_badge(obj.get_status_display(), CASE_STATUS_BADGE.get(obj.status, "secondary"))

    # Actions.
    def has_transition_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("people.transition_person")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("people.assign_case")

    @admin.action(description=_("Change case status…"), permissions=["transition"])
    def change_status(self, request: HttpRequest, queryset: QuerySet[Person]) -> Any:
        def apply(person: Person, form: StatusTransitionForm) -> None:
            data = form.cleaned_data
            services.person_transition(
                person=person,
                to=data["to"],
                actor=request.user,
                note=data["note"],
                closure_reason=data.get("closure_reason", ""),
            )

        return run_status_action(
            self,
            request,
            queryset,
            choices=CaseStatus.choices,
            closure_reason_choices=ClosureReason.choices,
            apply=apply,
            title=gettext("Change case status"),
            success_message=gettext("Status changed for %(count)s case(s): %(objects)s."),
        )

    @admin.action(description=_("Assign to caseworker…"), permissions=["assign"])
    def assign_caseworker(self, request: HttpRequest, queryset: QuerySet[Person]) -> Any:
        def apply(person: Person, form: AssignForm) -> None:
            services.person_assign(person=person, assignee=form.cleaned_data["assignee"], actor=request.user)

        return run_form_action(
            self,
            request,
            queryset,
            form_class=AssignForm,
            form_kwargs={"assignees": User.objects.visible_to(request.user).filter(is_active=True)},
            title=gettext("Assign cases"),
            submit_label=gettext("Assign"),
            apply=apply,
            success_message=gettext("%(count)s case(s) assigned: %(objects)s."),
        )

"""Admin of persons and everything recorded about them, for supervisors.

Registration and edits of a person go through `person_register` / `person_update`; case status,
assignment and nationality-claim status move only through the actions, which call the services.
New inline rows go through their service where there is one: family links through
`family_link_create` (which also writes the inverse link; a deleted row takes its inverse with it), aliases through `alias_add`, nationality
claims through `nationality_claim_add`; other rows are saved here with an audit event.
`PersonAdmin` is registered by `casework.pages.admin`, which adds the screening and request inlines:
this app does not reach the apps above it (style guide §2).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import User
from casework.camps.models import Facility
from casework.core.admin import (
    AuditedHistoryAdmin,
    NonOverlappingPeriodsFormSet,
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
from casework.core.forms import AdminModelForm, StatusTransitionForm
from casework.people import services
from casework.people.choices import CASE_STATUS_BADGE, CLAIM_STATUS_BADGE, CaseStatus, ClaimStatus, ClosureReason
from casework.people.models import (
    Alias,
    Assessment,
    CustodyPeriod,
    DnaTest,
    FamilyLink,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
    PersonStatusChange,
)
from casework.people.names import normalise_name


def _kept_forms(formset: BaseInlineFormSet) -> list[forms.Form]:
    """The formset's forms that hold a row after saving (not deleted, not empty extras)."""
    kept = []
    for form in formset.forms:
        if not getattr(form, "cleaned_data", None) or formset._should_delete_form(form):
            continue
        if form.instance._state.adding and not form.has_changed():
            continue
        kept.append(form)
    return kept


# --- Filters ---------------------------------------------------------------------------------------


class NationalityFilter(admin.SimpleListFilter):
    """Persons with a nationality claim (any status) for a State; lists the States of the user's claims."""

    title = _("nationality")
    parameter_name = "nationality"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            NationalityClaim.objects.visible_to(request.user).order_by().values_list("country", flat=True).distinct()
        )
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        claims = NationalityClaim.objects.filter(person=OuterRef("pk"), country=self.value())
        return queryset.filter(Exists(claims))


class CurrentFacilityFilter(admin.SimpleListFilter):
    """Persons whose open custody period is at a facility."""

    title = _("current facility")
    parameter_name = "facility"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in Facility.objects.visible_to(request.user).values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not (value and value.isdigit()):
            return queryset
        current = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True, facility_id=int(value))
        return queryset.filter(Exists(current))


class AssignedCaseworkerFilter(admin.SimpleListFilter):
    """Assigned caseworker, among the users of the user's own organisation."""

    title = _("assigned caseworker")
    parameter_name = "assigned"
    NOBODY = "none"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        users = (
            User.objects.visible_to(request.user)
            .filter(is_active=True)
            .order_by("username")
            .values_list("pk", "username", "first_name", "last_name")
        )
        names = [(str(pk), f"{first} {last}".strip() or username) for pk, username, first, last in users]
        return [(self.NOBODY, gettext("Nobody")), *names]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class CurrentCustodyFilter(admin.SimpleListFilter):
    title = _("current")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Current (open) periods")), ("no", gettext("Ended periods"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(end_date__isnull=True)
        if self.value() == "no":
            return queryset.filter(end_date__isnull=False)
        return queryset


# --- Forms -----------------------------------------------------------------------------------------


class PersonAdminForm(AdminModelForm):
    """Pre-checks the rules `person_register` / `person_update` would otherwise refuse after validation.

    `version` carries the `updated_at` the form was built from (optimistic concurrency): a save over
    someone else's newer edit is a form error, and `person_update` checks it again under its lock.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.updated_at:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def expected_updated_at(self) -> datetime | None:
        version = self.cleaned_data.get("version")
        try:
            return datetime.fromisoformat(version) if version else None
        except ValueError:
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        expected = self.expected_updated_at()
        if expected is not None and self.instance.pk is not None and self.instance.updated_at != expected:
            raise forms.ValidationError(
                gettext("Someone else changed this record while you were editing it. Reload the page and try again.")
            )
        organisation = cleaned.get("organisation")
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        if organisation_id:
            assignee = cleaned.get("assigned_to")
            if assignee is not None and assignee.organisation_id != organisation_id:
                self.add_error("assigned_to", gettext("The assigned caseworker belongs to another organisation."))
            household = cleaned.get("household")
            if household is not None and household.organisation_id != organisation_id:
                self.add_error("household", gettext("This household belongs to another organisation."))
        return cleaned


class _DownloadLink:
    """Stands for the stored copy in the file widget: the scoped download view instead of the storage path."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __str__(self) -> str:
        return gettext("Download the copy")


class ScopedCopyWidget(AdminFileWidget):
    """The admin's file input, linking the current copy through the scoped, audited download view.

    Django's widget would link `MEDIA_URL` + the storage path, which nothing serves (docs/security.md).
    """

    download_url = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _DownloadLink(self.download_url)
        return context


class IdentityDocumentAdminForm(AdminModelForm):
    """A document in the admin: its current copy is linked through `people:document_file`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is None:
            return
        widget = ScopedCopyWidget(attrs=field.widget.attrs)
        document = self.instance
        if document.pk and document.file and document.person_id:
            widget.download_url = reverse("people:document_file", args=[document.person.public_id, document.public_id])
        field.widget = widget


class DocumentCopyMixin:
    """For users who may only view documents: the copy as a link to the scoped download view, not the storage path."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        if self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return fields
        return [
            tuple("copy" if name == "file" else name for name in entry)
            if isinstance(entry, tuple | list)
            else ("copy" if entry == "file" else entry)
            for entry in fields
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        readonly = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [*readonly, "copy"]

    @admin.display(description=_("scan"))
    def copy(self, obj: IdentityDocument | None) -> str:
        if obj is None or obj.pk is None or not obj.file:
            return "-"
        url = reverse("people:document_file", args=[obj.person.public_id, obj.public_id])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the copy"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False, empty_label=_("— nobody (unassign) —")
    )

    def __init__(self, *args: Any, assignees: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class FamilyLinkFormSet(BaseInlineFormSet):
    """A relative must be another person of the same organisation (checked before `family_link_create`)."""

    def clean(self) -> None:
        super().clean()
        person = self.instance
        for form in _kept_forms(self):
            relative = form.cleaned_data.get("relative")
            if relative is None or not form.has_changed():
                continue
            if form.instance.pk is not None and "relative" in form.changed_data:
                # The inverse link belongs to the relative: moving a link would leave it behind.
                form.add_error(
                    "relative", gettext("A link cannot move to another relative: remove it and add a new one.")
                )
            elif person.pk is not None and relative.pk == person.pk:
                form.add_error("relative", gettext("A person cannot be their own relative."))
            elif person.organisation_id and relative.organisation_id != person.organisation_id:
                form.add_error("relative", gettext("Both persons must belong to the same organisation."))


class CustodyPeriodFormSet(NonOverlappingPeriodsFormSet):
    overlap_message = _("This period overlaps another custody period of the same person.")


class NationalityClaimFormSet(BaseInlineFormSet):
    """One main nationality per person (a conditional unique constraint the formset does not check itself)."""

    def clean(self) -> None:
        super().clean()
        primary = [f for f in _kept_forms(self) if f.cleaned_data.get("is_primary")]
        for form in primary[1:]:
            form.add_error("is_primary", gettext("Only one nationality can be the main one."))


# --- Inlines of the person -------------------------------------------------------------------------


class PersonChildInline(ScopedInlineMixin, admin.TabularInline):
    """Rows hanging from the person."""


class AliasInline(PersonChildInline):
    model = Alias
    fields = ("kind", "name", "script", "armed_group_link")

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: Alias, form: Any) -> None:
        alias = services.alias_add(person=parent, kind=obj.kind, name=obj.name, script=obj.script, actor=request.user)
        if obj.armed_group_link:  # L3, set only by users who see it; alias_add does not take it
            alias.armed_group_link = True
            alias._history_user = request.user
            alias.save(update_fields=["armed_group_link", "updated_at"])
        adopt(obj, alias)

    def save_changed_object(self, request: HttpRequest, *, obj: Alias) -> None:
        services.person_record_update(record=obj, actor=request.user)  # keeps the name-key index in step

    def delete_object(self, request: HttpRequest, *, obj: Alias) -> None:
        services.person_record_remove(record=obj, actor=request.user)


class FamilyLinkInline(PersonChildInline):
    model = FamilyLink
    fk_name = "person"
    formset = FamilyLinkFormSet
    fields = ("relative", "relation", "is_verified", "notes")
    autocomplete_fields = ("relative",)
    inline_select_related = ("relative",)

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # An assigned-only user does not see links to relatives outside their cases.
        return super().scope_queryset(request, queryset).filter(relative__in=Person.objects.visible_to(request.user))

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: FamilyLink, form: Any) -> None:
        link = services.family_link_create(
            person=parent,
            relative=obj.relative,
            relation=obj.relation,
            actor=request.user,
            is_verified=obj.is_verified,
            notes=obj.notes,
        )
        adopt(obj, link)

    def save_changed_object(self, request: HttpRequest, *, obj: FamilyLink) -> None:
        # Relation, verified and notes are mirrored on the inverse link, as on the web page.
        services.family_link_update(link=obj, actor=request.user)


class CustodyPeriodInline(PersonChildInline):
    model = CustodyPeriod
    formset = CustodyPeriodFormSet
    fields = ("facility", "section", "exact_location", "start_date", "end_date", "transfer_reason", "notes")
    autocomplete_fields = ("facility", "section")
    inline_select_related = ("facility", "section__facility")


class NationalityClaimInline(PersonChildInline):
    model = NationalityClaim
    formset = NationalityClaimFormSet
    fields = ("country", "basis", "status", "is_primary", "statelessness_risk", "claimed_on", "notes")
    readonly_fields = ("status",)

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: NationalityClaim, form: Any) -> None:
        claim = services.nationality_claim_add(
            person=parent, country=obj.country.code, basis=obj.basis, actor=request.user, is_primary=obj.is_primary
        )
        # What nationality_claim_add does not take: kept as entered.
        claim.statelessness_risk = obj.statelessness_risk
        claim.claimed_on = obj.claimed_on or claim.claimed_on
        claim.notes = obj.notes
        claim._history_user = request.user
        claim.save(update_fields=["statelessness_risk", "claimed_on", "notes", "updated_at"])
        adopt(obj, claim)


class IdentityDocumentInline(DocumentCopyMixin, PersonChildInline):
    """Documents go through the record services, which delete a replaced, cleared or removed copy on commit."""

    model = IdentityDocument
    form = IdentityDocumentAdminForm
    fields = ("document_type", "number", "issuing_country", "issued_on", "expires_on", "is_copy", "seen_on", "file")

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: IdentityDocument, form: Any) -> None:
        services.person_record_add(person=parent, record=obj, actor=request.user)

    def save_changed_object(self, request: HttpRequest, *, obj: IdentityDocument) -> None:
        services.person_record_update(record=obj, actor=request.user)

    def delete_object(self, request: HttpRequest, *, obj: IdentityDocument) -> None:
        services.person_record_remove(record=obj, actor=request.user)


class DnaTestInline(ScopedInlineMixin, admin.StackedInline):
    model = DnaTest
    fields = (
        ("requested_on", "requested_by", "requesting_country"),
        ("compared_with", "laboratory"),
        ("sampled_on", "result_received_on", "outcome"),
        "notes",
    )


class AssessmentInline(ScopedInlineMixin, admin.StackedInline):
    model = Assessment
    fields = (
        ("kind", "assessed_on", "assessed_by"),
        ("consent_given", "legal_representative", "valid_until"),
        "findings",
        "document",
    )


class PersonStatusChangeInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = PersonStatusChange
    fields = ("created_at", "old_status", "new_status", "actor", "note")
    readonly_fields = fields
    inline_select_related = ("actor",)


# --- Person ----------------------------------------------------------------------------------------


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
        """Every word in the person's names (any script), or every word in one alias, or a case-number prefix."""
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(case_number__startswith=term.upper())
        tokens = normalise_name(term).split()
        if tokens:
            names = Q()
            aliases = Alias.objects.filter(person=OuterRef("pk"))
            for token in tokens:
                names &= Q(name_search__contains=token)
                aliases = aliases.filter(name_search__contains=token)
            condition |= names | Q(Exists(aliases))
        return queryset.filter(condition), False

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

        return run_form_action(
            self,
            request,
            queryset,
            form_class=StatusTransitionForm,
            form_kwargs={
                "status_choices": allowed_status_choices(queryset, CaseStatus.choices),
                "closure_reason_choices": ClosureReason.choices,
            },
            title=gettext("Change case status"),
            submit_label=gettext("Change status"),
            apply=apply,
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


# --- Other records about persons -------------------------------------------------------------------


class PersonRecordAdmin(AuditedHistoryAdmin):
    """A record attached to a person: listed with its case number, person chosen by a scoped autocomplete."""

    autocomplete_fields = ("person",)
    search_fields = ("^person__case_number",)
    list_select_related = ("person",)


@admin.register(Household)
class HouseholdAdmin(AuditedHistoryAdmin):
    list_display = ("reference", "member_count", "updated_at")
    list_select_related = ("organisation",)
    search_fields = ("reference",)
    ordering = ("reference",)
    fields = ("organisation", "reference", "notes", "public_id", "created_at", "updated_at")
    readonly_fields = ("public_id", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Household]:
        return super().get_queryset(request).annotate(member_total=related_count(Person.objects, "household"))

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: Household) -> int:
        return obj.member_total


@admin.register(CustodyPeriod)
class CustodyPeriodAdmin(PersonRecordAdmin):
    list_display = ("person", "facility", "section", "start_date", "end_date", "transfer_reason")
    list_filter = (CurrentCustodyFilter, "facility", "transfer_reason", "start_date")
    list_select_related = ("person", "facility", "section__facility")
    autocomplete_fields = ("person", "facility", "section")
    date_hierarchy = "start_date"
    fields = (
        "person",
        "facility",
        "section",
        "exact_location",
        ("start_date", "end_date"),
        "transfer_reason",
        "notes",
    )


@admin.register(NationalityClaim)
class NationalityClaimAdmin(PersonRecordAdmin):
    list_display = (
        "person",
        "country",
        "basis",
        "status_badge",
        "is_primary",
        "statelessness_risk",
        "claimed_on",
        "status_changed_on",
    )
    list_filter = ("status", country_filter("country", _("State")), "basis", "is_primary", "statelessness_risk")
    fields = (
        "person",
        "country",
        "basis",
        ("status", "status_changed_on"),
        "is_primary",
        "statelessness_risk",
        "claimed_on",
        "notes",
    )
    readonly_fields = ("status", "status_changed_on")
    actions = ("change_claim_status",)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: NationalityClaim) -> str:
        return status_badge(obj.get_status_display(), CLAIM_STATUS_BADGE.get(obj.status, "secondary"))

    @admin.action(description=_("Change claim status…"), permissions=["change"])
    def change_claim_status(self, request: HttpRequest, queryset: QuerySet[NationalityClaim]) -> Any:
        def apply(claim: NationalityClaim, form: StatusTransitionForm) -> None:
            data = form.cleaned_data
            services.nationality_claim_transition(claim=claim, to=data["to"], actor=request.user, note=data["note"])

        return run_form_action(
            self,
            request,
            queryset,
            form_class=StatusTransitionForm,
            form_kwargs={"status_choices": allowed_status_choices(queryset, ClaimStatus.choices)},
            title=gettext("Change nationality claim status"),
            submit_label=gettext("Change status"),
            apply=apply,
            success_message=gettext("Status changed for %(count)s claim(s): %(objects)s."),
        )


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(DocumentCopyMixin, PersonRecordAdmin):
    """Saves and deletes go through the record services: a replaced, cleared or removed copy is deleted on commit."""

    audit_on_save = False  # the services record their own events
    form = IdentityDocumentAdminForm
    list_display = ("person", "document_type", "issuing_country", "issued_on", "expires_on", "is_copy", "seen_on")
    list_filter = ("document_type", "is_copy", "expires_on")
    search_fields = ("^person__case_number", "=number")
    fields = (
        "person",
        "document_type",
        "number",
        "issuing_country",
        ("issued_on", "expires_on"),
        "is_copy",
        "seen_on",
        "file",
        "notes",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: IdentityDocument | None = None) -> Sequence[str]:
        readonly = super().get_readonly_fields(request, obj)
        # A document stays with its person: person_record_update refuses a move.
        return [*readonly, "person"] if obj is not None and "person" not in readonly else readonly

    def save_model(self, request: HttpRequest, obj: IdentityDocument, form: Any, change: bool) -> None:
        self.assert_in_scope(request, obj)
        if change:
            services.person_record_update(record=obj, actor=request.user)
        else:
            services.person_record_add(person=obj.person, record=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: IdentityDocument) -> None:
        services.person_record_remove(record=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[IdentityDocument]) -> None:
        for document in queryset.select_related("person"):
            services.person_record_remove(record=document, actor=request.user)


@admin.register(DnaTest)
class DnaTestAdmin(PersonRecordAdmin):
    list_display = ("person", "requesting_country", "laboratory", "requested_on", "sampled_on", "result_received_on")
    list_filter = ("requested_on", "sampled_on", "result_received_on")
    fields = (
        "person",
        ("requested_on", "requested_by", "requesting_country"),
        ("compared_with", "laboratory"),
        ("sampled_on", "result_received_on"),
        "outcome",
        "notes",
    )


@admin.register(Assessment)
class AssessmentAdmin(PersonRecordAdmin):
    list_display = ("person", "kind", "assessed_on", "assessed_by", "consent_given", "valid_until")
    list_filter = ("kind", "consent_given", "assessed_on")
    fields = (
        "person",
        ("kind", "assessed_on", "assessed_by"),
        ("consent_given", "legal_representative", "valid_until"),
        "findings",
        "document",
    )


@admin.register(PersonStatusChange)
class PersonStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "person", "old_status", "new_status", "actor")
    list_filter = ("new_status", "old_status", "created_at")
    list_select_related = ("person", "actor")
    search_fields = ("^person__case_number",)
    date_hierarchy = "created_at"
    fields = ("created_at", "person", "old_status", "new_status", "actor", "note")
    readonly_fields = fields

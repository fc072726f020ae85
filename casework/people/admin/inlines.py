"""Inlines of the person admin: new rows go through their service where there is one."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from casework.core.admin import ScopedInlineMixin, StatusChangeInline, adopt
from casework.core.history import save_with_history
from casework.people import services
from casework.people.admin.forms import (
    CustodyPeriodFormSet,
    DocumentCopyMixin,
    FamilyLinkFormSet,
    IdentityDocumentAdminForm,
    NationalityClaimFormSet,
)
from casework.people.models import (
    Alias,
    Assessment,
    CustodyPeriod,
    DnaTest,
    FamilyLink,
    IdentityDocument,
    JourneyToSyria,
    NationalityClaim,
    Person,
    PersonStatusChange,
    ReturnAssessment,
)


class PersonChildInline(ScopedInlineMixin, admin.TabularInline):
    """Rows hanging from the person."""


class AliasInline(PersonChildInline):
    model = Alias
    fields = ("kind", "name", "script", "armed_group_link")

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: Alias, form: Any) -> None:
        alias = services.alias_add(person=parent, kind=obj.kind, name=obj.name, script=obj.script, actor=request.user)
        if obj.armed_group_link:  # L3, set only by users who see it; alias_add does not take it
            alias.armed_group_link = True
            save_with_history(alias, request.user, update_fields=["armed_group_link", "updated_at"])
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
        claim = services.nationality_claim_add_from(person=parent, claim=obj, actor=request.user)
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
        "outcome",
        "findings",
        "document",
    )


class JourneyToSyriaInline(ScopedInlineMixin, admin.StackedInline):
    """How the person came to Syria (one per person); the indications are L3, hidden without the permission."""

    model = JourneyToSyria
    max_num = 1
    fields = (
        ("travelled_on", "travel_date_precision"),
        ("travelled_from", "travelled_with", "age_at_travel_recorded"),
        ("minor_indicator", "coercion_indicator", "trafficking_indicator"),
        "indicator_notes",
    )


class ReturnAssessmentInline(PersonChildInline):
    """The person's own wish about return and the risk on return, per State; the grounds are L3."""

    model = ReturnAssessment
    fields = ("country", "assessed_on", "wish", "wish_expressed_by", "risk", "risk_grounds", "assessed_by")


class PersonStatusChangeInline(StatusChangeInline):
    model = PersonStatusChange

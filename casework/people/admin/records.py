"""Admins of the other records about persons: households, custody, claims, documents, DNA tests, assessments."""

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
    allowed_status_choices,
    country_filter,
    related_count,
    run_form_action,
    status_badge,
)
from casework.core.forms import StatusTransitionForm
from casework.people import services
from casework.people.admin.filters import CurrentCustodyFilter
from casework.people.admin.forms import DocumentCopyMixin, IdentityDocumentAdminForm
from casework.people.choices import CLAIM_STATUS_BADGE, ClaimStatus
from casework.people.models import (
    Assessment,
    CustodyPeriod,
    DnaTest,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
    PersonStatusChange,
)


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
    list_display = ("person", "kind", "assessed_on", "assessed_by", "consent_given", "outcome", "valid_until")
    list_filter = ("kind", "consent_given", "outcome", "assessed_on")
    fields = (
        "person",
        ("kind", "assessed_on", "assessed_by"),
        ("consent_given", "legal_representative", "valid_until"),
        "outcome",
        "findings",
        "document",
    )


@admin.register(PersonStatusChange)
class PersonStatusChangeAdmin(StatusChangeAdmin):
    record_field = "person"
    record_key = "case_number"

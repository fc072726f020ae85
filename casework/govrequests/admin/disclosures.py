"""Admins of disclosure policies, answer periods, follow-up drafts and the disclosure record."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.core.admin import (
    AuditedModelAdmin,
    ReadOnlyModelAdmin,
    SharedDefaultsAdminMixin,
    country_filter,
    related_count,
)
from casework.govrequests.admin.common import searches_for
from casework.govrequests.admin.forms import DisclosurePolicyForm
from casework.govrequests.admin.inlines import DisclosedPersonInline, FollowUpItemInline
from casework.govrequests.choices import DisclosureField
from casework.govrequests.models import (
    AnswerPeriod,
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    DisclosurePolicy,
    GovernmentRequest,
)
from casework.govrequests.services.clock import request_clocks_refresh


class StateOrDefaultColumnMixin:
    """A "State" column for settings that name a State or apply to every State."""

    @admin.display(description=_("State"), ordering="country")
    def state(self, obj: Any) -> str:
        return obj.country.name if obj.country else "—"


@admin.register(DisclosurePolicy)
class DisclosurePolicyAdmin(StateOrDefaultColumnMixin, AuditedModelAdmin):
    form = DisclosurePolicyForm
    list_display = ("organisation", "state", "authority", "fields_disclosed", "updated_at")
    list_filter = (country_filter("country", _("State")),)
    list_select_related = ("organisation", "authority")
    autocomplete_fields = ("authority",)
    fields = ("organisation", "country", "authority", "fields", "basis")

    @admin.display(description=_("fields disclosed"))
    def fields_disclosed(self, obj: DisclosurePolicy) -> str:
        labels = dict(DisclosureField.choices)
        return ", ".join(str(labels.get(field, field)) for field in obj.fields)


@admin.register(AnswerPeriod)
class AnswerPeriodAdmin(SharedDefaultsAdminMixin, StateOrDefaultColumnMixin, AuditedModelAdmin):
    """Answer periods of the deadline clock; saving one recomputes the clocks of the requests it may govern."""

    list_display = ("organisation", "state", "authority", "acknowledgement_days", "decision_days", "updated_at")
    list_filter = (country_filter("country", _("State")),)
    list_select_related = ("organisation", "authority")
    autocomplete_fields = ("authority",)
    fields = ("organisation", "country", "authority", "acknowledgement_days", "decision_days", "notes")

    def save_model(self, request: HttpRequest, obj: AnswerPeriod, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        request_clocks_refresh(organisation_id=obj.organisation_id)

    def delete_model(self, request: HttpRequest, obj: AnswerPeriod) -> None:
        organisation_id = obj.organisation_id
        super().delete_model(request, obj)
        request_clocks_refresh(organisation_id=organisation_id)


@admin.register(AuthorityFollowUp)
class AuthorityFollowUpAdmin(ReadOnlyModelAdmin):
    """Follow-up drafts are made, sent and discarded from the request page; here they are only read."""

    list_display = ("authority", "organisation", "status", "refreshed_at", "closed_at", "closed_by")
    list_filter = ("status",)
    list_select_related = ("authority", "organisation", "closed_by")
    fields = ("public_id", "organisation", "authority", "status", "refreshed_at", "closed_at", "closed_by")
    readonly_fields = fields
    inlines = (FollowUpItemInline,)


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
        # A search by case number would tell an assigned-only user whether a person outside
        # their caseload was disclosed, and to whom.
        return searches_for(request, super().get_search_fields(request), covering="disclosed_persons")

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

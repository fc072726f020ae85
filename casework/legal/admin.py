"""Admin of legal proceedings and hearings: L3 as a whole, so only for users with the sensitive-data permission.

Each opening of a change form is logged by `AuditedHistoryAdmin` (the models' `SENSITIVE_FIELDS`).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casework.core.admin import AuditedHistoryAdmin, RecordedByAdminMixin
from casework.core.sensitivity import can_view_sensitive
from casework.legal.models import Hearing, LegalProceeding


class SensitiveOnlyAdminMixin:
    """No access at all without `accounts.view_sensitive_data`: even a list would tell who is prosecuted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view_sensitive(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_sensitive(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_view_sensitive(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_sensitive(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_sensitive(request.user) and super().has_delete_permission(request, obj)


@admin.register(LegalProceeding)
class LegalProceedingAdmin(RecordedByAdminMixin, SensitiveOnlyAdminMixin, AuditedHistoryAdmin):
    list_display = ("person", "kind", "country", "opened_on", "outcome", "outcome_on")
    # No filter: every field but the person is L3, and core.admin refuses a filter on an L3 field (400).
    list_select_related = ("person",)
    search_fields = ("^person__case_number",)
    autocomplete_fields = ("person",)
    raw_id_fields = ("request",)
    fields = (
        "person",
        ("kind", "country", "authority", "reference"),
        ("opened_on", "outcome", "outcome_on"),
        "request",
        "notes",
        *RecordedByAdminMixin.footer,
    )


@admin.register(Hearing)
class HearingAdmin(SensitiveOnlyAdminMixin, AuditedHistoryAdmin):
    list_display = ("person", "hearing_on", "held")
    list_filter = ("hearing_on", "held")
    list_select_related = ("person",)
    search_fields = ("^person__case_number",)
    autocomplete_fields = ("person",)
    raw_id_fields = ("proceeding",)
    date_hierarchy = "hearing_on"
    fields = (
        "person",
        "proceeding",
        ("hearing_on", "held"),
        ("court", "purpose"),
        "notes",
        ("public_id", "created_at", "updated_at"),
    )
    readonly_fields = ("public_id", "created_at", "updated_at")

"""Admin of State policies: organisation admins edit their organisation's; shared defaults are the superusers'."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casework.core.admin import AuditedHistoryAdmin, OrganisationFilter
from casework.policies.models import StatePolicy


@admin.register(StatePolicy)
class StatePolicyAdmin(AuditedHistoryAdmin):
    list_display = ("country", "valid_from", "takes_back", "age_limit", "prosecutes_adults", "organisation")
    list_filter = ("takes_back", "prosecutes_adults", OrganisationFilter, "country")
    list_select_related = ("organisation",)
    search_fields = ("country", "authority", "notes", "sources")
    ordering = ("country", "-valid_from")
    date_hierarchy = "valid_from"
    readonly_fields = ("public_id", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: StatePolicy | None = None) -> bool:
        # Shared defaults apply to every organisation: only superusers change them.
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: StatePolicy | None = None) -> bool:
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: StatePolicy, form: Any, change: bool) -> None:
        # A shared default is visible to everyone but in no one's organisation: refuse it to non-superusers.
        if not request.user.is_superuser and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

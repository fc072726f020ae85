"""Admin of State policies: organisation admins edit their organisation's; shared defaults are the superusers'."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casework.core.admin import AuditedHistoryAdmin, OrganisationFilter, SharedDefaultsAdminMixin
from casework.policies.models import StatePolicy


@admin.register(StatePolicy)
class StatePolicyAdmin(SharedDefaultsAdminMixin, AuditedHistoryAdmin):
    list_display = ("country", "valid_from", "takes_back", "age_limit", "prosecutes_adults", "organisation")
    list_filter = ("takes_back", "prosecutes_adults", OrganisationFilter, "country")
    list_select_related = ("organisation",)
    search_fields = ("country", "authority", "notes", "sources")
    ordering = ("country", "-valid_from")
    date_hierarchy = "valid_from"
    readonly_fields = ("public_id", "created_by")

    def save_model(self, request: HttpRequest, obj: StatePolicy, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

"""Admin of security screenings. Outcome and findings are L3: hidden without the permission, logged with it."""

from django.contrib import admin

from casework.core.admin import AuditedHistoryAdmin, RecordedByAdminMixin
from casework.screenings.models import CustodyEntry, Screening


@admin.register(Screening)
class ScreeningAdmin(RecordedByAdminMixin, AuditedHistoryAdmin):
    # No outcome column or filter: listing or filtering by outcome would reveal it (see core.admin).
    list_display = ("person", "screened_on", "authority", "screened_by", "facility", "recorded_by")
    list_filter = ("screened_on", "authority", "facility")
    list_select_related = ("person", "authority", "facility", "recorded_by")
    search_fields = ("^person__case_number",)
    autocomplete_fields = ("person", "facility")
    date_hierarchy = "screened_on"
    fields = (
        "person",
        ("screened_on", "authority", "screened_by"),
        ("facility", "location"),
        "outcome",
        "findings",
        *RecordedByAdminMixin.footer,
    )


@admin.register(CustodyEntry)
class CustodyEntryAdmin(AuditedHistoryAdmin):
    list_display = ("person", "event", "occurred_on", "place", "screening_point", "population_category")
    list_filter = ("event", "population_category")
    list_select_related = ("person",)
    search_fields = ("^person__case_number",)
    autocomplete_fields = ("person",)
    raw_id_fields = ("screening",)
    fields = (
        "person",
        ("event", "occurred_on"),
        ("place", "screening_point"),
        ("population_category", "screening"),
        "notes",
        ("public_id", "created_at", "updated_at"),
    )
    readonly_fields = ("public_id", "created_at", "updated_at")

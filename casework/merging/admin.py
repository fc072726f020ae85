"""The merges, read-only in the admin (undo from the merge page): never the row snapshot, which holds L3 data."""

from django.contrib import admin

from casework.core.admin.base import ReadOnlyModelAdmin
from casework.merging.models import PersonMerge


@admin.register(PersonMerge)
class PersonMergeAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "merged", "survivor", "actor", "undone_at")
    list_select_related = ("merged", "survivor", "actor")
    search_fields = ("=survivor__case_number", "=merged__case_number")
    date_hierarchy = "created_at"
    fields = ("created_at", "organisation", "merged", "survivor", "actor", "summary", "undone_at", "undone_by")
    readonly_fields = fields

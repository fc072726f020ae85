"""Read-only admins of status histories (concrete `core.models.StatusChangeModel`s): their list and inline."""

from typing import Any, ClassVar

from django.contrib import admin

from casework.core.admin.base import ReadOnlyInlineMixin, ReadOnlyModelAdmin, ScopedInlineMixin

# What a change says, in the order shown: when, from what, to what, by whom, why.
STATUS_CHANGE_FIELDS = ("created_at", "old_status", "new_status", "actor", "note")


class StatusChangeAdmin(ReadOnlyModelAdmin):
    """The status changes of one kind of record, newest first, searched by the start of the record's key.

    A subclass names the history's foreign key to its record (`record_field`, e.g. "person") and the
    record's field searched by its start (`record_key`, e.g. "case_number"); the columns follow from them.
    """

    record_field: ClassVar[str] = ""
    record_key: ClassVar[str] = ""
    list_filter = ("new_status", "old_status", "created_at")
    date_hierarchy = "created_at"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        record = cls.record_field
        cls.list_display = ("created_at", record, "old_status", "new_status", "actor")
        cls.list_select_related = (record, "actor")
        cls.search_fields = (f"^{record}__{cls.record_key}",)
        cls.fields = ("created_at", record, "old_status", "new_status", "actor", "note")
        cls.readonly_fields = cls.fields


class StatusChangeInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    """The status changes of the record being edited, read-only."""

    fields = STATUS_CHANGE_FIELDS
    readonly_fields = fields
    inline_select_related = ("actor",)

"""The admin of core's own models: the audit trail and the worker heartbeats."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from casework.core.admin.base import ReadOnlyModelAdmin
from casework.core.admin.filters import ActorFilter
from casework.core.models import AuditEvent, WorkerHeartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """The audit trail. Supervisors and auditors see their organisation's events only."""

    list_display = ("created_at", "action", "actor", "target_type", "target_id")
    list_filter = ("action", "created_at", ActorFilter)
    list_select_related = ("actor", "target_type")
    search_fields = ("=target_id", "action")
    date_hierarchy = "created_at"
    # The organisation is kept as its id only (core sits below accounts): superusers see it as a column.
    fields = ("created_at", "action", "actor", "organisation_id", "target_type", "target_id", "data")
    readonly_fields = fields
    show_full_result_count = False  # a second COUNT(*) over a million events is not worth it

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation_id"] if request.user.is_superuser else columns


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyModelAdmin):
    """For operators (superusers): when each worker host last beat."""

    list_display = ("worker", "last_seen_at")
    list_select_related = ()
    ordering = ("worker",)
    search_fields = ("worker",)

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # Infrastructure, not case data; only superusers hold the view permission.
        return queryset

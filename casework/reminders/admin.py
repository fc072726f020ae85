"""Admin for reminder rules and reminders, scoped like the rest of the admin.

Reminders are raised by the sweep only (no add); their status moves through admin actions that
call the services, so every change is recorded. Rule defaults (no organisation) are changed by
superusers only; an organisation's overrides by its own users with the permission.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.core.admin import (
    AuditedModelAdmin,
    NoAddOrDeleteMixin,
    OrganisationFilter,
    ScopedModelAdmin,
    SharedDefaultsAdminMixin,
)
from casework.core.exceptions import DomainError
from casework.reminders import services
from casework.reminders.models import Reminder, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(SharedDefaultsAdminMixin, AuditedModelAdmin):
    list_display = ("kind", "organisation", "country", "offsets", "recipients", "threshold", "is_active")
    list_filter = ("kind", "is_active", OrganisationFilter, "country")
    list_select_related = ("organisation",)
    search_fields = ("kind", "notes")
    ordering = ("kind", "organisation__name", "country")


@admin.register(Reminder)
class ReminderAdmin(NoAddOrDeleteMixin, ScopedModelAdmin):
    list_display = (
        "kind",
        "subject_key",
        "person",
        "gov_request",
        "due_on",
        "deadline_on",
        "offset_days",
        "recipient",
        "status",
        "organisation",
    )
    list_filter = ("status", "kind", "due_on", "notify_supervisors", OrganisationFilter)
    list_select_related = ("person", "gov_request", "recipient", "organisation")
    raw_id_fields = ("person", "gov_request", "recipient", "rule")
    date_hierarchy = "due_on"
    search_fields = ("person__case_number", "gov_request__reference", "subject_key")
    actions = ("acknowledge_selected", "complete_selected")
    readonly_fields = (
        "public_id",
        "kind",
        "rule",
        "organisation",
        "person",
        "gov_request",
        "subject_key",
        "recipient",
        "notify_supervisors",
        "due_on",
        "deadline_on",
        "offset_days",
        "status",
        "snoozed_until",
        "acted_by",
        "acted_at",
        "reason",
        "created_at",
        "updated_at",
    )

    def _apply(self, request: HttpRequest, queryset: QuerySet[Reminder], service: Any, done: str) -> None:
        count = 0
        for reminder in queryset:
            try:
                service(reminder=reminder, actor=request.user)
            except (DomainError, PermissionDenied) as exc:
                self.message_user(request, f"{reminder}: {exc}", messages.WARNING)
                continue
            count += 1
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Acknowledge selected reminders"))
    def acknowledge_selected(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        self._apply(request, queryset, services.reminder_acknowledge, _("%(count)s reminders acknowledged."))

    @admin.action(description=_("Mark selected reminders done"))
    def complete_selected(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        self._apply(request, queryset, services.reminder_complete, _("%(count)s reminders marked done."))

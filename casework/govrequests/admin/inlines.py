"""Inlines of the government-request admin: covered persons, events, status changes, handover
persons, follow-up items and disclosed persons."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from casework.core.admin import ReadOnlyInlineMixin, ScopedInlineMixin, StatusChangeInline, adopt
from casework.govrequests import services
from casework.govrequests.admin.common import record_event
from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import (
    DisclosedPerson,
    FollowUpItem,
    GovernmentRequest,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)


class RequestedPersonInline(ScopedInlineMixin, admin.TabularInline):
    """Covered persons: added or removed only while the request is a draft; decisions via the action."""

    model = RequestedPerson
    fields = ("person", "decision", "decided_on", "decision_note")
    readonly_fields = ("decision", "decided_on", "decision_note")
    autocomplete_fields = ("person",)
    inline_select_related = ("person",)

    @staticmethod
    def _draft(obj: GovernmentRequest | None) -> bool:
        return obj is None or obj.status == RequestStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return False  # rows are added or removed; decisions change through "Record decisions…"

    def has_delete_permission(self, request: HttpRequest, obj: GovernmentRequest | None = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)

    def save_new_object(self, request: HttpRequest, *, parent: GovernmentRequest, obj: Any, form: Any) -> None:
        services.gov_request_add_persons(gov_request=parent, persons=[obj.person], actor=request.user)


class RequestEventInline(ScopedInlineMixin, admin.TabularInline):
    """Events; a new one goes through `gov_request_record_event`, which moves the status when it should."""

    model = RequestEvent
    fields = ("kind", "occurred_on", "due_on", "description", "document", "created_by")
    readonly_fields = ("created_by",)
    inline_select_related = ("created_by",)

    def save_new_object(self, request: HttpRequest, *, parent: GovernmentRequest, obj: Any, form: Any) -> None:
        adopt(obj, record_event(request, gov_request=parent, obj=obj, form=form))


class RequestStatusChangeInline(StatusChangeInline):
    model = RequestStatusChange


class HandoverPersonInline(ScopedInlineMixin, admin.TabularInline):
    model = HandoverPerson
    fields = ("person", "handed_over")
    readonly_fields = ("handed_over",)  # set by the handover's completion
    autocomplete_fields = ("person",)
    inline_select_related = ("person",)


class FollowUpItemInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = FollowUpItem
    fields = ("requested_person",)
    readonly_fields = fields
    inline_select_related = ("requested_person__person", "requested_person__request")

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(requested_person__in=RequestedPerson.objects.visible_to(request.user))


class DisclosedPersonInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = DisclosedPerson
    fields = ("person", "case_number", "request_references")
    readonly_fields = fields
    inline_select_related = ("person",)

"""Admin for reminder rules, State age limits, reminders and outbound messages, scoped like the rest of the admin.

Reminders are raised by the sweep only (no add); their status moves through admin actions that
call the services, so every change is recorded. Outbound messages are read-only; a failed or
stuck one is re-sent by an action, after a confirmation page.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.core.exceptions import DomainError
from casework.reminders import services
from casework.reminders.models import OutboundMessage, Reminder, ReminderRule, StateAgeLimit


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "organisation", "country", "offsets", "recipients", "threshold", "is_active")
    list_filter = ("kind", "is_active", "organisation", "country")
    list_select_related = ("organisation",)
    search_fields = ("kind", "notes")
    ordering = ("kind", "organisation__name", "country")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReminderRule]:
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request: HttpRequest, obj: ReminderRule | None = None) -> bool:
        # Defaults apply to every organisation: only superusers change them.
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ReminderRule | None = None) -> bool:
        if obj is not None and obj.organisation_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation" and not request.user.is_superuser:
            from casework.accounts.models import Organisation

            kwargs["queryset"] = Organisation.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ReminderRule, form: Any, change: bool) -> None:
        if not request.user.is_superuser and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(StateAgeLimit)
class StateAgeLimitAdmin(admin.ModelAdmin):
    list_display = ("country", "age_limit", "note")
    search_fields = ("country", "note")
    ordering = ("country",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
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
    list_filter = ("status", "kind", "due_on", "notify_supervisors", "notify_mailbox", "organisation")
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
        "notify_mailbox",
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Reminder | None = None) -> bool:
        return False

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


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template", "subject", "to_email", "status", "attempts", "sent_at", "organisation")
    list_filter = ("status", "template", "created_at", "sent_at", "organisation")
    list_select_related = ("organisation",)
    date_hierarchy = "created_at"
    search_fields = ("to_email", "idempotency_key")
    actions = ("resend_selected",)
    fields = readonly_fields = (
        "organisation",
        "recipient",
        "to_email",
        "language",
        "template",
        "subject",
        "idempotency_key",
        "context_ids",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "created_at",
        "updated_at",
        "body_text",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboundMessage]:
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMessage | None = None) -> bool:
        # The change form is read-only; "change" on the list is what the re-send action needs.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: OutboundMessage | None = None) -> bool:
        return False

    @admin.action(description=_("Re-send selected failed or stuck messages"), permissions=["change"])
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> TemplateResponse | None:
        now = timezone.now()
        messages_ = list(queryset.select_related("organisation"))
        eligible = [m for m in messages_ if m.can_resend(now=now)]
        skipped = [m for m in messages_ if not m.can_resend(now=now)]
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Re-send messages?"),
                "opts": self.model._meta,
                "eligible": eligible,
                "skipped": skipped,
                "stuck": [m for m in eligible if m.is_stuck(now=now)],
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "resend_selected",
                "media": self.media,
            }
            return TemplateResponse(request, "admin/reminders/outboundmessage/resend_confirmation.html", context)
        count = 0
        for message in eligible:
            try:
                services.outbound_message_resend(message=message, actor=request.user)
            except (DomainError, PermissionDenied) as exc:
                self.message_user(request, f"{message}: {exc}", messages.WARNING)
                continue
            count += 1
        if skipped:
            self.message_user(
                request,
                _("%(count)s messages were skipped: only failed or stuck messages are re-sent.")
                % {"count": len(skipped)},
                messages.WARNING,
            )
        self.message_user(request, _("%(count)s messages queued again.") % {"count": count}, messages.SUCCESS)
        return None

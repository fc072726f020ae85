"""Admin of outbound messages: read-only, scoped like the rest of the admin; a failed or stuck one is re-sent.

The re-send is an action, after a confirmation page, that calls `services.outbound_message_resend`.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.core.admin import NoAddOrDeleteMixin, OrganisationFilter, ScopedModelAdmin
from casework.core.exceptions import DomainError
from casework.outbox import services
from casework.outbox.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(NoAddOrDeleteMixin, ScopedModelAdmin):
    list_display = ("created_at", "template", "subject", "to_email", "status", "attempts", "sent_at", "organisation")
    list_filter = ("status", "template", "created_at", "sent_at", OrganisationFilter)
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

    def has_change_permission(self, request: HttpRequest, obj: OutboundMessage | None = None) -> bool:
        # The change form is read-only; "change" on the list is what the re-send action needs.
        return obj is None and super().has_change_permission(request)

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
            return TemplateResponse(request, "admin/outbox/outboundmessage/resend_confirmation.html", context)
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

"""Retention policies are set per organisation in the admin (organisation admins); reviews are decided on the retention page."""

from django.contrib import admin

from casework.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from casework.retention.models import RetentionPolicy, RetentionReview


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedModelAdmin):
    list_display = ("organisation", "closure_reason", "retention_days")
    list_select_related = ("organisation",)
    fields = ("organisation", "closure_reason", "retention_days")


@admin.register(RetentionReview)
class RetentionReviewAdmin(ReadOnlyModelAdmin):
    list_display = ("person", "status", "due_on", "approved_by", "decided_by", "decided_at")
    list_select_related = ("person", "approved_by", "decided_by")
    list_filter = ("status",)

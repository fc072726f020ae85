"""Admin of facilities, their sections and control periods, and controlling authorities (shared reference data)."""

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.core.admin import (
    AuditedHistoryAdmin,
    AuditedModelAdmin,
    NonOverlappingPeriodsFormSet,
    ReferenceDataScopeMixin,
    ScopedInlineMixin,
)


class FacilitySectionInline(ReferenceDataScopeMixin, ScopedInlineMixin, admin.TabularInline):
    model = FacilitySection
    fields = ("name", "kind")


class ControlPeriodFormSet(NonOverlappingPeriodsFormSet):
    overlap_message = _("This period overlaps another control period of the facility.")


class FacilityControlPeriodInline(ReferenceDataScopeMixin, ScopedInlineMixin, admin.TabularInline):
    model = FacilityControlPeriod
    formset = ControlPeriodFormSet
    fields = ("authority", "start_date", "end_date")
    inline_select_related = ("authority",)


@admin.register(Facility)
class FacilityAdmin(ReferenceDataScopeMixin, AuditedHistoryAdmin):
    list_display = ("name", "name_ar", "kind", "governorate", "location", "current_authority", "is_active")
    list_filter = ("kind", "is_active", "governorate")
    list_select_related = ()
    search_fields = ("name", "name_ar", "location")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "name_ar", "kind", "is_active")}),
        (_("Where"), {"fields": ("governorate", "location", ("latitude", "longitude"))}),
        (_("Record"), {"fields": ("public_id", "created_at", "updated_at")}),
    )
    readonly_fields = ("public_id", "created_at", "updated_at")
    inlines = [FacilitySectionInline, FacilityControlPeriodInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Facility]:
        open_period = FacilityControlPeriod.objects.filter(facility=OuterRef("pk"), end_date__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(current_authority_name=Subquery(open_period.values("authority__name")[:1]))
        )

    @admin.display(description=_("controlled by"), ordering="current_authority_name")
    def current_authority(self, obj: Facility) -> str:
        return obj.current_authority_name or "—"


@admin.register(FacilitySection)
class FacilitySectionAdmin(ReferenceDataScopeMixin, AuditedHistoryAdmin):
    """Registered for the section autocomplete of custody periods."""

    list_display = ("name", "facility", "kind")
    list_filter = ("kind", "facility")
    list_select_related = ("facility",)
    search_fields = ("name", "facility__name")
    autocomplete_fields = ("facility",)
    fields = ("facility", "name", "kind", "public_id", "created_at", "updated_at")
    readonly_fields = ("public_id", "created_at", "updated_at")


@admin.register(ControllingAuthority)
class ControllingAuthorityAdmin(ReferenceDataScopeMixin, AuditedModelAdmin):
    list_display = ("name", "short_name")
    list_select_related = ()
    search_fields = ("name", "short_name")
    fields = ("name", "short_name", "public_id", "created_at", "updated_at")
    readonly_fields = ("public_id", "created_at", "updated_at")

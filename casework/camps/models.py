"""Places where persons are held, their sections, and who controls them when.

Who controls a place is dated data: al-Hol passed from the AANES to the Syrian government in 2026.
Facilities are shared reference data, visible to every organisation.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.core.constraints import dated_period
from casework.core.models import PublicModel


class ControllingAuthority(PublicModel):
    """An authority that controls facilities (e.g. AANES / SDF / Asayish, the Syrian government)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("controlling authority")
        verbose_name_plural = _("controlling authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FacilityQuerySet":
        """Facilities are reference data: every logged-in user sees them."""
        return self if user.is_authenticated else self.none()


class Facility(PublicModel):
    """A camp, detention centre, rehabilitation centre or hospital."""

    class Kind(models.TextChoices):
        CAMP = "camp", _("Camp")
        DETENTION_CENTRE = "detention_centre", _("Detention centre")
        REHABILITATION_CENTRE = "rehabilitation_centre", _("Rehabilitation centre")
        HOSPITAL = "hospital", _("Hospital")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    governorate = models.CharField(_("governorate"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("Town or area."))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = FacilityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def controlling_authority_on(self, day: date) -> "ControllingAuthority | None":
        """The authority in control of this facility on `day`, if recorded."""
        period = (
            self.control_periods.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)
            .select_related("authority")
            .order_by("-start_date")
            .first()
        )
        return period.authority if period else None


class FacilitySection(PublicModel):
    """A part of a facility: a phase or the Annex of al-Hol, a block, a wing."""

    class Kind(models.TextChoices):
        PHASE = "phase", _("Phase")
        ANNEX = "annex", _("Annex")
        BLOCK = "block", _("Block")
        WING = "wing", _("Wing")
        OTHER = "other", _("Other")

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="sections"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PHASE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility section")
        verbose_name_plural = _("facility sections")
        ordering = ["facility__name", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="section_unique_name_per_facility")]

    def __str__(self) -> str:
        return f"{self.facility.name} – {self.name}"


class FacilityControlPeriod(PublicModel):
    """Which authority controlled a facility from when to when (end open while it still does)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="control_periods"
    )
    authority = models.ForeignKey(
        ControllingAuthority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="control_periods"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("control period")
        verbose_name_plural = _("control periods")
        ordering = ["facility", "-start_date"]
        constraints = dated_period("facility", prefix="control_period")

    def __str__(self) -> str:
        return f"{self.facility} – {self.authority} ({self.start_date}–{self.end_date or '…'})"

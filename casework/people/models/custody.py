"""Where a person was held, from when to when. The current location is the open period."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.core.constraints import dates_in_order
from casework.core.fields import EncryptedCharField
from casework.core.models import PublicModel
from casework.people.choices import TransferReason
from casework.people.models.scoping import PersonScopedQuerySet


class CustodyPeriodQuerySet(PersonScopedQuerySet):
    def current(self) -> "CustodyPeriodQuerySet":
        """Open periods: where persons are now."""
        return self.filter(end_date__isnull=True)

    def overlapping(self, *, person_id: int, start_date, end_date) -> "CustodyPeriodQuerySet":
        """Periods of the person that overlap [start_date, end_date).

        Periods are half-open: `end_date` is the day the person left, which may be the next
        period's `start_date` (a transfer on that day).
        """
        qs = self.filter(person_id=person_id).filter(Q(end_date__isnull=True) | Q(end_date__gt=start_date))
        if end_date is not None:
            qs = qs.filter(start_date__lt=end_date)
        return qs


class CustodyPeriod(PublicModel):
    """A stay at a facility (and section). The controlling authority is read from the facility's dated history."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"exact_location"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="custody_periods"
    )
    facility = models.ForeignKey(
        "camps.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="custody_periods"
    )
    section = models.ForeignKey(
        "camps.FacilitySection",
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody_periods",
    )
    # Block / tent: highly sensitive (L3).
    exact_location = EncryptedCharField(_("exact location (block, tent)"), max_length=100, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("The day the person left."))
    transfer_reason = models.CharField(
        _("reason"), max_length=30, choices=TransferReason.choices, default=TransferReason.INITIAL
    )
    end_reason = models.CharField(
        _("reason for leaving"), max_length=30, choices=TransferReason.choices, blank=True, help_text=_("Why it ended.")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CustodyPeriodQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False)  # see Person.history

    class Meta:
        verbose_name = _("custody period")
        verbose_name_plural = _("custody periods")
        ordering = ["person", "-start_date"]
        constraints = [
            dates_in_order("start_date", "end_date", name="custody_period_dates_ordered"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="custody_period_one_open_per_person"
            ),
        ]
        indexes = [
            # Population lists and facility filters read only the open periods.
            models.Index(
                fields=["facility", "section"], condition=Q(end_date__isnull=True), name="custody_current_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.facility} ({self.start_date}–{self.end_date or '…'})"

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("The end date is before the start date.")
        if self.section_id and self.facility_id and self.section.facility_id != self.facility_id:
            errors["section"] = gettext("This section belongs to another facility.")
        if self.person_id and self.start_date and not errors:
            clash = CustodyPeriod.objects.overlapping(
                person_id=self.person_id, start_date=self.start_date, end_date=self.end_date
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["start_date"] = gettext("This period overlaps another custody period of the same person.")
        if errors:
            raise ValidationError(errors)

"""Security screenings. A person may be screened several times; outcome and findings are L3."""

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core.fields import EncryptedCharField, EncryptedTextField
from casework.core.models import PublicModel
from casework.core.userfields import recorded_by_fk
from casework.people.models import PersonRecord


class Screening(PublicModel, PersonRecord):
    """One screening of a person by a security authority: when, where, by whom, with what result."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLEARED = "cleared", _("Cleared")
        REFERRED = "referred", _("Referred")
        DETAINED = "detained", _("Detained")
        SEPARATED = "separated", _("Separated")

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"outcome", "findings"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="screenings"
    )
    screened_on = models.DateField(_("date"), db_index=True)
    authority = models.ForeignKey(
        "camps.ControllingAuthority",
        verbose_name=_("screening authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    screened_by = models.CharField(_("screened by"), max_length=200, blank=True, help_text=_("Unit or service."))
    facility = models.ForeignKey(
        "camps.Facility", verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("place (other)"), max_length=200, blank=True)
    outcome = EncryptedCharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    findings = EncryptedTextField(_("findings"), blank=True)
    recorded_by = recorded_by_fk(_("recorded by"))

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["person", "-screened_on"]

    def __str__(self) -> str:
        return f"Screening {self.screened_on} ({self.person})"

    def clean(self) -> None:
        if self.screened_on and self.screened_on > date.today():
            raise ValidationError({"screened_on": gettext("The screening date is in the future.")})


class CustodyEntry(PublicModel, PersonRecord):
    """How the person came into custody: the escape or surrender event, and the screening that followed.

    The population category is the one the screening assigned (foreign national, Iraqi, Syrian); it
    decided where the person was sent. The notes may say what the person fled or to whom they
    surrendered: L3.
    """

    class Event(models.TextChoices):
        SURRENDER = "surrender", _("Surrender")
        ESCAPE = "escape", _("Escape")
        CAPTURE = "capture", _("Capture or arrest")
        EVACUATION = "evacuation", _("Evacuation")
        BORN_IN_CUSTODY = "born_in_custody", _("Born in a camp or centre")
        OTHER = "other", _("Other")

    class PopulationCategory(models.TextChoices):
        THIRD_COUNTRY_NATIONAL = "third_country_national", _("Third-country national")
        IRAQI = "iraqi", _("Iraqi")
        SYRIAN = "syrian", _("Syrian")
        UNDETERMINED = "undetermined", _("Not determined")

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"notes"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="custody_entries"
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("E.g. Baghuz."))
    screening_point = models.CharField(_("screening point"), max_length=200, blank=True)
    population_category = models.CharField(
        _("population category assigned at screening"),
        max_length=30,
        choices=PopulationCategory.choices,
        default=PopulationCategory.UNDETERMINED,
        db_index=True,
    )
    screening = models.ForeignKey(
        Screening,
        verbose_name=_("screening"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="custody_entries",
        help_text=_("The screening record of this event, if recorded."),
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("entry into custody")
        verbose_name_plural = _("entries into custody")
        ordering = ["person", "-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    event__in=["surrender", "escape", "capture", "evacuation", "born_in_custody", "other"]
                ),
                name="custody_entry_event_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    population_category__in=["third_country_national", "iraqi", "syrian", "undetermined"]
                ),
                name="custody_entry_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.occurred_on or ''} ({self.person})"

    def clean(self) -> None:
        errors = {}
        if self.occurred_on and self.occurred_on > date.today():
            errors["occurred_on"] = gettext("The date is in the future.")
        # A screening of another person would leak it into this record.
        if self.screening_id is not None and self.screening.person_id != self.person_id:
            errors["screening"] = gettext("This screening is of another person.")
        if errors:
            raise ValidationError(errors)

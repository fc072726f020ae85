"""How the person came to Syria, and their return: own wish and the risk-on-return assessment.

The journey is kept apart from `Person`: most of it is highly sensitive (L3), and the person row is
read by every list and search. One journey per person (a person came to Syria once; corrections
edit it). Return assessments are many: one per State considered, re-assessed over time; the latest
per State is the current one.
"""

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from casework.core.fields import EncryptedTextField
from casework.core.models import PublicModel
from casework.people.choices import DatePrecision, ReturnRisk, ReturnWish
from casework.people.models.scoping import PersonRecord

ADULT_AGE = 18


class JourneyToSyria(PublicModel, PersonRecord):
    """How the person came to Syria: when, from where, at what age, and signs of a minor, coercion or trafficking."""

    # The indicators and their notes are about exploitation and coercion: L3.
    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"minor_indicator", "coercion_indicator", "trafficking_indicator", "indicator_notes"}
    )

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="journey"
    )
    travelled_on = models.DateField(_("date of travel"), null=True, blank=True, help_text=_("As given."))
    travel_date_precision = models.CharField(
        _("precision of date of travel"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    travelled_from = CountryField(_("travelled from"), blank=True)
    travelled_with = models.CharField(
        _("travelled with"), max_length=200, blank=True, help_text=_("E.g. parents, husband, alone.")
    )
    # Recorded when the person or a witness says it and no date is known; otherwise computed.
    age_at_travel_recorded = models.PositiveSmallIntegerField(
        _("age at travel (as stated)"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    minor_indicator = models.BooleanField(_("indications that they were a minor"), default=False)
    coercion_indicator = models.BooleanField(_("indications of coercion"), default=False)
    trafficking_indicator = models.BooleanField(_("indications of trafficking"), default=False)
    indicator_notes = EncryptedTextField(_("notes on the indications"), blank=True)

    class Meta:
        verbose_name = _("journey to Syria")
        verbose_name_plural = _("journeys to Syria")
        constraints = [
            models.CheckConstraint(
                condition=Q(travel_date_precision__in=DatePrecision.values), name="journey_travel_precision_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} ({self.person})"

    @property
    def age_at_travel(self) -> int | None:
        """The stated age, or else the age on the travel date from the earliest plausible birth date."""
        if self.age_at_travel_recorded is not None:
            return self.age_at_travel_recorded
        if self.travelled_on is None or self.travel_date_precision == DatePrecision.UNKNOWN:
            return None
        return self.person.age_on(self.travelled_on)

    @property
    def travelled_as_minor(self) -> bool:
        """A minor at travel by the age (stated or computed), or by the recorded indication."""
        age = self.age_at_travel
        return self.minor_indicator or (age is not None and age < ADULT_AGE)

    def clean(self) -> None:
        errors = {}
        if self.travelled_on and self.travelled_on > date.today():
            errors["travelled_on"] = gettext("The date of travel is in the future.")
        if self.travel_date_precision != DatePrecision.UNKNOWN and not self.travelled_on:
            errors["travelled_on"] = gettext("Enter the date of travel, or choose “Unknown”.")
        if errors:
            raise ValidationError(errors)


class ReturnAssessment(PublicModel, PersonRecord):
    """The person's own wish about return to one State, and the risk they would face there (non-refoulement)."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"risk_grounds"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="return_assessments"
    )
    country = CountryField(_("State of return"))
    assessed_on = models.DateField(_("date"))
    wish = models.CharField(_("own wish about return"), max_length=20, choices=ReturnWish.choices)
    wish_expressed_by = models.CharField(
        _("wish expressed by"), max_length=200, blank=True, help_text=_("Leave empty if the person said it themself.")
    )
    risk = models.CharField(
        _("risk on return"), max_length=20, choices=ReturnRisk.choices, default=ReturnRisk.NOT_ASSESSED
    )
    risk_grounds = EncryptedTextField(
        _("grounds of the risk"), blank=True, help_text=_("E.g. death penalty, torture, unfair trial, persecution.")
    )
    assessed_by = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("return wish and risk assessment")
        verbose_name_plural = _("return wishes and risk assessments")
        ordering = ["person", "-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(wish__in=ReturnWish.values), name="return_assessment_wish_valid"),
            models.CheckConstraint(condition=Q(risk__in=ReturnRisk.values), name="return_assessment_risk_valid"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.country.code} {self.assessed_on} ({self.person})"

    @property
    def warns(self) -> bool:
        """True when a request to this State goes against the person's wish or a found risk."""
        return self.wish == ReturnWish.DOES_NOT_WISH or self.risk in (ReturnRisk.RISK, ReturnRisk.HIGH_RISK)

    def clean(self) -> None:
        if self.assessed_on and self.assessed_on > date.today():
            raise ValidationError({"assessed_on": gettext("The date is in the future.")})

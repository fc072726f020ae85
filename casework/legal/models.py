"""Legal proceedings about a person and their hearings. Criminal proceedings are highly sensitive (L3).

A *proceeding* is one warrant, prosecution, trial, transfer or appeal, in one State. A *hearing* is one
dated session of a proceeding; the reminders app warns before each one. An appeal against a State's
refusal names the government request it is about: the court-ordered deadlines recorded on that request
(events of kind "court deadline") are shown with it, so both kinds of court date are read together.
"""

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from casework.core.constraints import dates_in_order
from casework.core.fields import EncryptedTextField
from casework.core.models import PublicModel
from casework.core.userfields import recorded_by_fk
from casework.govrequests.choices import EventKind
from casework.legal.choices import ProceedingKind, ProceedingOutcome
from casework.people.models import PersonRecord


class LegalProceeding(PublicModel, PersonRecord):
    """One warrant, prosecution, trial, transfer or appeal concerning the person."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"kind", "country", "authority", "reference", "opened_on", "outcome", "outcome_on", "notes", "request"}
    )

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="legal_proceedings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProceedingKind.choices)
    country = CountryField(_("State"), blank=True)
    authority = models.CharField(_("court or authority"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ProceedingOutcome.choices, default=ProceedingOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    request = models.ForeignKey(
        "govrequests.GovernmentRequest",
        verbose_name=_("request under appeal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_proceedings",
        help_text=_("For an appeal against a refusal: the request whose decision is challenged."),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = recorded_by_fk(_("recorded by"))

    class Meta:
        verbose_name = _("legal proceeding")
        verbose_name_plural = _("legal proceedings")
        ordering = ["person", "-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProceedingKind.values), name="legal_proceeding_kind_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=ProceedingOutcome.values), name="legal_proceeding_outcome_valid"
            ),
            dates_in_order(
                "opened_on", "outcome_on", name="legal_proceeding_outcome_after_opening", earlier_may_be_empty=True
            ),
        ]

    def __str__(self) -> str:
        # No kind or State: __str__ ends up in audit data and admin messages, and both are L3.
        return gettext("Legal proceeding (%(person)s)") % {"person": self.person}

    def court_deadlines(self) -> list[date]:
        """The court-ordered deadlines recorded on the request under appeal (none without one)."""
        if self.request_id is None:
            return []
        return sorted(
            event.due_on
            for event in self.request.events.all()
            if event.kind == EventKind.COURT_DEADLINE and event.due_on is not None
        )

    def clean(self) -> None:
        errors = {}
        today = date.today()
        if self.opened_on and self.opened_on > today:
            errors["opened_on"] = gettext("The date is in the future.")
        if self.outcome_on and self.opened_on and self.outcome_on < self.opened_on:
            errors["outcome_on"] = gettext("The outcome is dated before the opening.")
        if self.outcome == ProceedingOutcome.PENDING and self.outcome_on:
            errors["outcome_on"] = gettext("A pending proceeding has no outcome date.")
        if (
            self.request_id is not None
            and self.person_id is not None
            and not self.request.covered.filter(person_id=self.person_id).exists()
        ):
            errors["request"] = gettext("The person is not covered by this request.")
        if errors:
            raise ValidationError(errors)


class Hearing(PublicModel, PersonRecord):
    """One dated hearing of a proceeding: reminders are raised before it (reminders rule `hearing`)."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"proceeding", "court", "purpose", "notes"})

    # The person is the proceeding's, stored again so that the hearing is scoped like every person record.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="hearings"
    )
    proceeding = models.ForeignKey(
        LegalProceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE, related_name="hearings"
    )
    hearing_on = models.DateField(_("date of the hearing"), db_index=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True, help_text=_("E.g. first hearing, verdict."))
    held = models.BooleanField(_("held"), null=True, blank=True, help_text=_("Empty until the date has passed."))
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["person", "hearing_on", "pk"]

    def __str__(self) -> str:
        return gettext("Hearing on %(date)s (%(person)s)") % {"date": self.hearing_on, "person": self.person}

    def clean(self) -> None:
        if (
            self.proceeding_id is not None
            and self.person_id is not None
            and self.proceeding.person_id != self.person_id
        ):
            raise ValidationError({"proceeding": gettext("This proceeding is of another person.")})

"""Assessments: vulnerability, best interests of a child (BIA/BID), consent, legal representation."""

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core.constraints import dates_in_order
from casework.core.fields import EncryptedTextField
from casework.core.models import PublicModel
from casework.people.choices import AssessmentKind, AssessmentOutcome
from casework.people.models.identity import SCAN_EXTENSIONS, document_upload_to
from casework.people.models.scoping import PersonRecord


class Assessment(PublicModel, PersonRecord):
    """One assessment of the person; the findings are child-protection or health data (L3)."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"findings"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("date"))
    assessed_by = models.CharField(_("by"), max_length=200, blank=True)
    consent_given = models.BooleanField(
        _("consent given"), null=True, blank=True, help_text=_("For consent records, e.g. a mother's written consent.")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=30,
        choices=AssessmentOutcome.choices,
        blank=True,
        help_text=_("Empty while the assessment is not completed. For a BID: may the child leave without a parent?"),
    )
    findings = EncryptedTextField(_("findings"), blank=True)
    document = models.FileField(
        _("document"), upload_to=document_upload_to, blank=True, validators=[FileExtensionValidator(SCAN_EXTENSIONS)]
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["person", "-assessed_on"]
        permissions = [
            (
                "approve_family_separation",
                _("Can plan a handover that separates a child from a parent (after a BID and consent)"),
            )
        ]
        constraints = [dates_in_order("assessed_on", "valid_until", name="assessment_valid_after_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on} ({self.person})"

    def is_valid_on(self, day: date) -> bool:
        """Recorded by `day` and not expired on it."""
        return self.assessed_on <= day and (self.valid_until is None or self.valid_until >= day)

    def allows_separation_on(self, day: date) -> bool:
        """A completed best-interests determination, valid on `day`, that the child may leave without a parent."""
        return (
            self.kind == AssessmentKind.BID
            and self.outcome == AssessmentOutcome.RETURN_WITHOUT_PARENT
            and self.is_valid_on(day)
        )

    def records_consent_on(self, day: date) -> bool:
        """A consent record, valid on `day`, in which the person gave their consent."""
        return self.kind == AssessmentKind.CONSENT and self.consent_given is True and self.is_valid_on(day)

    def clean(self) -> None:
        if self.valid_until and self.assessed_on and self.valid_until < self.assessed_on:
            raise ValidationError({"valid_until": gettext("Valid until a date before the assessment.")})

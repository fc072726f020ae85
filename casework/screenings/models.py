"""Security screenings. A person may be screened several times; outcome and findings are L3."""

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.core.fields import EncryptedCharField, EncryptedTextField
from casework.core.models import PublicModel
from casework.people.models import PersonScopedQuerySet


class Screening(PublicModel):
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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = PersonScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["person", "-screened_on"]

    def __str__(self) -> str:
        return f"Screening {self.screened_on} ({self.person})"

    def clean(self) -> None:
        if self.screened_on and self.screened_on > date.today():
            raise ValidationError({"screened_on": gettext("The screening date is in the future.")})

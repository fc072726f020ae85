"""Identity and nationality: nationality claims, identity documents and DNA tests."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from casework.core.constraints import dates_in_order
from casework.core.fields import EncryptedCharField, EncryptedTextField
from casework.core.models import PublicModel
from casework.people.choices import ClaimBasis, ClaimStatus, DnaOutcome, DocumentType
from casework.people.models.scoping import PersonScopedQuerySet

SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "tif", "tiff"]


def document_upload_to(instance: models.Model, filename: str) -> str:
    # Opaque file names only: a scan's original name often contains the holder's name.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.public_id}.{extension}"


class NationalityClaim(PublicModel):
    """A claim that the person holds the nationality of one State, and how far it is verified."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ClaimStatus.CLAIMED: frozenset(
            {
                ClaimStatus.DOCUMENTS_REQUESTED,
                ClaimStatus.UNDER_VERIFICATION,
                ClaimStatus.DNA_PENDING,
                ClaimStatus.NOT_CONFIRMED,
                ClaimStatus.DISPUTED,
            }
        ),
        ClaimStatus.DOCUMENTS_REQUESTED: frozenset(
            {ClaimStatus.UNDER_VERIFICATION, ClaimStatus.DNA_PENDING, ClaimStatus.NOT_CONFIRMED, ClaimStatus.DISPUTED}
        ),
        ClaimStatus.UNDER_VERIFICATION: frozenset(
            {
                ClaimStatus.DOCUMENTS_REQUESTED,
                ClaimStatus.DNA_PENDING,
                ClaimStatus.CONFIRMED,
                ClaimStatus.NOT_CONFIRMED,
                ClaimStatus.DISPUTED,
            }
        ),
        ClaimStatus.DNA_PENDING: frozenset(
            {ClaimStatus.UNDER_VERIFICATION, ClaimStatus.CONFIRMED, ClaimStatus.NOT_CONFIRMED, ClaimStatus.DISPUTED}
        ),
        ClaimStatus.CONFIRMED: frozenset({ClaimStatus.DEPRIVED, ClaimStatus.DISPUTED}),
        ClaimStatus.NOT_CONFIRMED: frozenset({ClaimStatus.UNDER_VERIFICATION, ClaimStatus.DISPUTED}),
        ClaimStatus.DISPUTED: frozenset(
            {ClaimStatus.UNDER_VERIFICATION, ClaimStatus.CONFIRMED, ClaimStatus.NOT_CONFIRMED, ClaimStatus.DEPRIVED}
        ),
        ClaimStatus.DEPRIVED: frozenset({ClaimStatus.DISPUTED}),
    }

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="nationality_claims"
    )
    country = CountryField(_("State"), db_index=True)
    basis = models.CharField(_("basis"), max_length=20, choices=ClaimBasis.choices, default=ClaimBasis.DECLARATION)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED, editable=False
    )
    is_primary = models.BooleanField(_("main nationality"), default=True)
    statelessness_risk = models.BooleanField(_("risk of statelessness"), default=False)
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = PersonScopedQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False)  # see Person.history

    class Meta:
        verbose_name = _("nationality claim")
        verbose_name_plural = _("nationality claims")
        ordering = ["person", "-is_primary", "country"]
        constraints = [
            models.UniqueConstraint(fields=["person", "country"], name="claim_unique_state_per_person"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_primary=True), name="claim_one_primary_per_person"
            ),
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"),
        ]
        indexes = [
            models.Index(fields=["country", "status"], name="claim_country_status_idx"),
            # Nationality filter of the person list: an index-only semi-join (docs/benchmarks.md).
            models.Index(fields=["country", "person"], name="claim_country_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.country.code} ({self.status})"

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, frozenset())


class IdentityDocument(PublicModel):
    """A document seen for the person: passport, ID card, birth certificate, travel document…"""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.CharField(_("type"), max_length=30, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuing_country = CountryField(_("issuing State"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    is_copy = models.BooleanField(_("copy only"), default=False, help_text=_("Only a copy was seen."))
    seen_on = models.DateField(_("seen on"), null=True, blank=True)
    file = models.FileField(
        _("scan"), upload_to=document_upload_to, blank=True, validators=[FileExtensionValidator(SCAN_EXTENSIONS)]
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = PersonScopedQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False)  # see Person.history

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["person", "document_type"]
        constraints = [
            dates_in_order("issued_on", "expires_on", name="document_expiry_after_issue", earlier_may_be_empty=True)
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} ({self.person})"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": gettext("The expiry date is before the issue date.")})


class DnaTest(PublicModel):
    """A DNA test to prove a family link (and so nationality): requested, sampled, result."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"outcome", "notes"})

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="dna_tests"
    )
    requested_by = models.CharField(_("requested by"), max_length=200, blank=True)
    requesting_country = CountryField(_("requesting State"), blank=True)
    compared_with = models.CharField(
        _("compared with"), max_length=200, blank=True, help_text=_("Relative or reference sample.")
    )
    laboratory = models.CharField(_("laboratory"), max_length=200, blank=True)
    requested_on = models.DateField(_("requested on"))
    sampled_on = models.DateField(_("sampled on"), null=True, blank=True, db_index=True)
    result_received_on = models.DateField(_("result received on"), null=True, blank=True)
    outcome = EncryptedCharField(_("outcome"), max_length=20, choices=DnaOutcome.choices, default=DnaOutcome.PENDING)
    notes = EncryptedTextField(_("notes"), blank=True)

    objects = PersonScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("DNA test")
        verbose_name_plural = _("DNA tests")
        ordering = ["person", "-requested_on"]
        constraints = [
            dates_in_order("requested_on", "sampled_on", name="dna_sampled_after_requested"),
            models.CheckConstraint(
                condition=Q(result_received_on__isnull=True)
                | (Q(sampled_on__isnull=False) & Q(result_received_on__gte=F("sampled_on"))),
                name="dna_result_after_sampling",
            ),
        ]

    def __str__(self) -> str:
        return f"DNA test {self.requested_on} ({self.person})"

    def clean(self) -> None:
        errors = {}
        if self.sampled_on and self.requested_on and self.sampled_on < self.requested_on:
            errors["sampled_on"] = gettext("The sample was taken before the test was requested.")
        if self.result_received_on and not self.sampled_on:
            errors["result_received_on"] = gettext("A result needs a sampling date.")
        elif self.result_received_on and self.sampled_on and self.result_received_on < self.sampled_on:
            errors["result_received_on"] = gettext("The result came before the sample was taken.")
        if errors:
            raise ValidationError(errors)

"""Handover operations: the day persons are handed to a home State's delegation."""

from typing import Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.govrequests.choices import (
    HandoverStatus,
)
from casework.govrequests.models.requests import GovernmentRequest
from casework.people.models import Person, PersonRecord
from casework.people.models.identity import SCAN_EXTENSIONS, document_upload_to


class HandoverOperationQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        """Operations with one of the user's cases."""
        return self.linked_to_cases_of(user, HandoverPerson.objects.all(), "operation_id")


class HandoverOperation(PublicModel):
    """The day persons are handed to a home State's delegation, against a signed handover document."""

    organisation = organisation_fk("handovers")
    request = models.ForeignKey(
        GovernmentRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    receiving_country = CountryField(_("receiving State"))
    planned_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    receiving_delegation = models.CharField(_("receiving delegation"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PLANNED
    )
    handover_document = models.FileField(
        _("signed handover document"),
        upload_to=document_upload_to,
        blank=True,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS)],
    )
    document_signed_on = models.DateField(_("document signed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = HandoverOperationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover operation")
        verbose_name_plural = _("handover operations")
        ordering = ["-planned_on"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HandoverStatus.values), name="handover_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=HandoverStatus.COMPLETED) | Q(document_signed_on__isnull=False),
                name="handover_completed_needs_signed_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Handover {self.planned_on} ({self.receiving_country.code})"

    def get_absolute_url(self) -> str:
        """Operations are shown on their request's page."""
        return self.request.get_absolute_url() + "#handovers" if self.request_id else ""

    def clean(self) -> None:
        if self.status == HandoverStatus.COMPLETED and not (self.document_signed_on and self.handover_document):
            raise ValidationError(
                {"handover_document": gettext("A completed handover needs the signed handover document.")}
            )


class HandoverPerson(PersonRecord):
    """A person on a handover operation."""

    operation = models.ForeignKey(
        HandoverOperation, verbose_name=_("handover operation"), on_delete=models.CASCADE, related_name="handed_persons"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="handover_memberships"
    )
    handed_over = models.BooleanField(_("handed over"), default=False)

    class Meta:
        verbose_name = _("person on handover")
        verbose_name_plural = _("persons on handover")
        constraints = [models.UniqueConstraint(fields=["operation", "person"], name="handover_person_unique")]

    def __str__(self) -> str:
        return f"{self.person} on {self.operation}"

"""Retention periods and the reviews that lead, with two people's agreement, to anonymising a closed case."""

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import user_fk
from casework.people.choices import ClosureReason


class RetentionPolicy(models.Model):
    """How long an organisation keeps a closed case, per closure reason (blank: any other reason).

    Without a policy, an organisation's closed cases are never listed for anonymisation.
    """

    organisation = organisation_fk(on_delete=models.CASCADE)
    closure_reason = models.CharField(
        _("closure reason"),
        max_length=30,
        choices=ClosureReason.choices,
        blank=True,
        help_text=_("Leave empty for every closure reason without a policy of its own."),
    )
    retention_days = models.PositiveIntegerField(_("days kept after closure"))

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["organisation", "closure_reason"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "closure_reason"], name="retention_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_closure_reason_display() or '*'}: {self.retention_days}"


class ReviewStatus(models.TextChoices):
    DUE = "due", _("Due for anonymisation")
    APPROVED = "approved", _("Approved, awaiting confirmation")
    ANONYMISED = "anonymised", _("Anonymised")
    KEPT = "kept", _("Kept")


class RetentionReviewQuerySet(OrganisationScopedQuerySet):
    def open(self) -> "RetentionReviewQuerySet":
        return self.filter(status__in=RetentionReview.OPEN)


class RetentionReview(PublicModel):
    """A closed case past its retention period: listed by the daily task, approved by a supervisor,
    confirmed by a second person, then anonymised (`services.person_anonymise`)."""

    OPEN: ClassVar[tuple[str, ...]] = (ReviewStatus.DUE, ReviewStatus.APPROVED)
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ReviewStatus.DUE: frozenset({ReviewStatus.APPROVED, ReviewStatus.KEPT}),
        ReviewStatus.APPROVED: frozenset({ReviewStatus.ANONYMISED, ReviewStatus.KEPT}),
        ReviewStatus.ANONYMISED: frozenset(),
        ReviewStatus.KEPT: frozenset(),
    }

    organisation = organisation_fk()
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="retention_reviews"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    due_on = models.DateField(_("due on"))
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_by = user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RetentionReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention review")
        verbose_name_plural = _("retention reviews")
        ordering = ["due_on", "pk"]
        permissions = [("approve_anonymisation", _("Can approve and confirm the anonymisation of a case"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["due", "approved"]), name="retention_one_open_review"
            ),
            models.CheckConstraint(
                condition=~Q(status="anonymised") | ~Q(decided_by=models.F("approved_by")),
                name="retention_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

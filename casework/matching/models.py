"""The duplicate review queue: pairs of persons of one organisation who may be the same person."""

from typing import Any, Self

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import user_fk
from casework.matching.choices import PAIR_STATUS_BADGE, TO_REVIEW, PairStatus
from casework.people.models import Person


class DuplicatePairQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        # An assigned-only user sees a pair only when both of its persons are theirs.
        visible = Person.objects.visible_to(user).values("pk")
        return self.filter(person_a__in=visible, person_b__in=visible)

    def to_review(self) -> Self:
        return self.filter(status__in=TO_REVIEW)


class DuplicatePair(PublicModel):
    """Two persons the nightly scan found alike, stored once (`person_a` has the lower id).

    The scan (`casework.matching.duplicates`) writes the score, the reasons and the fingerprint
    of both records' names and birth dates; a reviewer's decision is kept until that fingerprint
    changes (a name or the birth date of either record edited), then the pair is open again.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    person_a = models.ForeignKey(
        "people.Person", verbose_name=_("first person"), on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        "people.Person", verbose_name=_("second person"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    fingerprint = models.CharField(_("fingerprint of the names and birth dates"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=PairStatus.choices, default=PairStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    decided_by = user_fk(_("decided by"), on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The decision a change of either record set aside (shown to the next reviewer), or "".
    previous_status = models.CharField(_("previous decision"), max_length=12, choices=PairStatus.choices, blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        permissions = [("review_duplicates", _("Can review possible duplicates"))]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="duplicate_pair_ordered"),
            models.CheckConstraint(condition=Q(status__in=PairStatus.values), name="duplicate_pair_status_valid"),
        ]
        indexes = [models.Index(fields=["organisation", "status", "-score"], name="duplicate_pair_queue_idx")]

    @property
    def badge_colour(self) -> str:
        return PAIR_STATUS_BADGE.get(self.status, "secondary")

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id}"

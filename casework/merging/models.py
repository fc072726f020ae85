"""The record of a merge of two persons: what it changed, row by row, so that an unmerge puts it back."""

from typing import Any, Self

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import user_fk


class PersonMergeQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        return self.filter(survivor__assigned_to_id=user.pk)


class PersonMerge(PublicModel):
    """`merged` was merged into `survivor` by `actor`; `changes` lets `merging.services.person_unmerge` undo it.

    `changes` holds one entry per row the merge wrote, in the order written: `{"op": "update" |
    "create" | "delete", "model": label, "pk": pk, "before": fields or None, "after": fields or None}`
    (fields as Django's serializer writes them). It contains personal data, including highly
    sensitive fields: it is never shown, only replayed.
    """

    organisation = organisation_fk()
    survivor = models.ForeignKey(
        "people.Person", verbose_name=_("surviving record"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        "people.Person", verbose_name=_("merged record"), on_delete=models.PROTECT, related_name="+"
    )
    actor = user_fk(_("merged by"), required=True)
    # What the page shows: counts of records moved, duplicates dropped, names added as aliases.
    summary = models.JSONField(_("summary"), default=dict, encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("changes"), default=list, encoder=DjangoJSONEncoder, editable=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True, editable=False)
    undone_by = user_fk(_("undone by"), editable=False)

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge of person records")
        verbose_name_plural = _("merges of person records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["survivor", "created_at"], name="merge_survivor_idx")]

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"

    def get_absolute_url(self) -> str:
        return reverse("merging:merge_detail", args=[self.public_id])

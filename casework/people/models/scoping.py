"""Access scope for persons and for every record attached to a person.

A user sees the persons of their organisation; a caseworker limited to assigned cases sees only
those; superusers see all; anyone else (no organisation, anonymous) sees nothing. Child records
reuse the person's scope through their relation, so there is one source of truth.
"""

from typing import Any, ClassVar, Self

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from casework.core.querysets import OrganisationScopedQuerySet


class PersonQuerySet(OrganisationScopedQuerySet):
    """Persons of the user's organisation; only assigned ones for assigned-only caseworkers."""

    def visible_to(self, user: Any) -> Self:
        """Live persons the user may see: records merged into another (tombstones) are never listed."""
        return super().visible_to(user).live()

    def merged_visible_to(self, user: Any) -> Self:
        """Tombstones in the user's scope: their old URLs lead to the survivor."""
        return super().visible_to(user).filter(merged_into__isnull=False)

    def live(self) -> Self:
        """Persons that are not tombstones of a merge: what every count and list is made of."""
        return self.filter(merged_into__isnull=True)

    def narrow_to_assigned(self, user: Any) -> Self:
        return self.filter(assigned_to_id=user.pk)

    def open(self) -> Self:
        """Cases that are not closed."""
        return self.exclude(status="closed")

    def at_risk_of_statelessness(self) -> Self:
        """Persons born in the camps without a birth registration, or with a claim flagged at risk.

        The one home of the rule, with `Person.statelessness_risk_reasons` for a loaded person.
        """
        claims = apps.get_model("people", "NationalityClaim").objects.filter(
            person_id=OuterRef("pk"), statelessness_risk=True
        )
        return self.filter(Q(birth_unregistered=True) | Exists(claims))


class PersonScopedQuerySet(OrganisationScopedQuerySet):
    """Records attached to a person by a `person` foreign key: visible with their person."""

    organisation_lookup: ClassVar[str] = "person__organisation_id"

    def narrow_to_assigned(self, user: Any) -> Self:
        return self.filter(person__assigned_to_id=user.pk)


class PersonRecord(models.Model):
    """A record about one person, attached by a `person` foreign key that the model declares (with its own
    related name): visible with its person (`PersonScopedQuerySet`), and every change kept in its history.

    A mixin, listed after the model's other base (`class Screening(PublicModel, PersonRecord)`).
    """

    objects = PersonScopedQuerySet.as_manager()
    # Who made a change is no database constraint on the history (see `Person.history`).
    history = HistoricalRecords(inherit=True, user_db_constraint=False)

    class Meta:
        abstract = True

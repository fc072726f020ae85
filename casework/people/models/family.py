"""Households and family links between persons."""

from typing import Any, Self

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.people.choices import Relation
from casework.people.models.scoping import PersonRecord

# The relation seen from the other side: A is B's mother ⇔ B is A's child.
INVERSE_RELATION = {
    Relation.MOTHER: Relation.CHILD,
    Relation.FATHER: Relation.CHILD,
    Relation.CHILD: None,  # mother or father: decided by the other person's sex
    Relation.SIBLING: Relation.SIBLING,
    Relation.SPOUSE: Relation.SPOUSE,
    Relation.GUARDIAN: Relation.WARD,
    Relation.WARD: Relation.GUARDIAN,
    Relation.GRANDPARENT: Relation.GRANDCHILD,
    Relation.GRANDCHILD: Relation.GRANDPARENT,
    Relation.OTHER: Relation.OTHER,
}


class HouseholdQuerySet(OrganisationScopedQuerySet):
    """Households of the user's organisation (superusers: all); assigned-only users: those of their cases."""

    def narrow_to_assigned(self, user: Any) -> Self:
        """Households of the user's cases."""
        from casework.people.models.person import Person  # person.py is loaded after this module

        return self.filter(pk__in=Person.objects.visible_to(user).values("household_id"))


class Household(PublicModel):
    """People who live together in the camp (e.g. a mother and her children), under one reference."""

    organisation = organisation_fk("households")
    reference = models.CharField(_("reference"), max_length=40)
    notes = models.TextField(_("notes"), blank=True)

    objects = HouseholdQuerySet.as_manager()
    history = HistoricalRecords(user_db_constraint=False)  # see Person.history

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="household_reference_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.reference


class FamilyLink(PublicModel, PersonRecord):
    """`relative` is the `relation` of `person` (e.g. relative is person's mother).

    Links are stored in both directions; `people.services.family_link_create` writes the pair.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="family_links"
    )
    relative = models.ForeignKey(
        "people.Person", verbose_name=_("relative"), on_delete=models.CASCADE, related_name="+"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    is_verified = models.BooleanField(_("verified"), default=False, help_text=_("Confirmed by documents or DNA."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        ordering = ["person", "relation"]
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("relative")), name="family_link_not_self"),
            models.UniqueConstraint(fields=["person", "relative", "relation"], name="family_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.relative} is {self.relation} of {self.person}"

    @staticmethod
    def refusal(person: Any, relative: Any) -> str | None:
        """Why `relative` cannot be linked to `person`, or None: not themselves, and of the same organisation.

        Asked by `people.services.family_link_create` and by the forms that pre-check it; a person
        not saved yet (no id, no organisation) is not compared.
        """
        if person.pk is not None and relative.pk == person.pk:
            return gettext("A person cannot be their own relative.")
        if person.organisation_id and relative.organisation_id != person.organisation_id:
            return gettext("Both persons must belong to the same organisation.")
        return None

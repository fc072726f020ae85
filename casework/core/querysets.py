"""The access scope of organisation-owned rows: one base QuerySet for every model an organisation owns.

A user sees the rows of their organisation; an assigned-only caseworker sees a narrower set that
each model defines (`narrow_to_assigned`); superusers see all; anyone else (anonymous, or a user
without an organisation) sees nothing.
"""

from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import Q


class OrganisationScopedQuerySet(models.QuerySet):
    """Rows owned by an organisation, reached by `organisation_lookup` (e.g. `person__organisation_id`)."""

    organisation_lookup: ClassVar[str] = "organisation_id"

    def visible_to(self, user: Any) -> Self:
        """Rows of the user's organisation (all for superusers, none without an organisation);
        for assigned-only users, narrowed by `narrow_to_assigned`."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if not user.organisation_id:
            return self.none()
        queryset = self.of_organisation(user.organisation_id)
        if user.sees_assigned_only:
            queryset = queryset.narrow_to_assigned(user)
        return queryset

    def of_organisation(self, organisation_id: int) -> Self:
        """Rows of one organisation; override for rows shared with every organisation (defaults)."""
        return self.filter(**{self.organisation_lookup: organisation_id})

    def narrow_to_assigned(self, user: Any) -> Self:
        """The rows of their organisation an assigned-only user may see; by default all of them."""
        return self

    def linked_to_cases_of(self, user: Any, rows: models.QuerySet, parent: str, person: str = "person") -> Self:
        """The rows that one of `rows` (records naming a person, pointing here by `parent`) links
        to a case assigned to `user`."""
        return self.filter(pk__in=rows.filter(**{f"{person}__assigned_to_id": user.pk}).values(parent))


class SharedDefaultsQuerySet(OrganisationScopedQuerySet):
    """Rules or readings shared by every organisation (no organisation) and each organisation's own ones:
    a user sees the shared defaults and those of their organisation (all for superusers)."""

    def of_organisation(self, organisation_id: int) -> Self:
        """The shared defaults (no organisation) and the organisation's own rows."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))

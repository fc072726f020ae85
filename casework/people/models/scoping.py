"""Access scope for persons and for every record attached to a person.

A user sees the persons of their organisation; a caseworker limited to assigned cases sees only
those; superusers see all; anyone else (no organisation, anonymous) sees nothing. Child records
reuse the person's scope through their relation, so there is one source of truth.
"""

from typing import Any, Self

from django.db import models


def scope_to_persons_of(queryset: models.QuerySet, user: Any, prefix: str = "") -> models.QuerySet:
    """Narrow `queryset` to rows whose person (reached through `prefix`) the user may see."""
    if user.is_superuser:
        return queryset
    if not user.is_authenticated or not getattr(user, "organisation_id", None):
        return queryset.none()
    queryset = queryset.filter(**{f"{prefix}organisation_id": user.organisation_id})
    if user.sees_assigned_only:
        queryset = queryset.filter(**{f"{prefix}assigned_to_id": user.pk})
    return queryset


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """Persons of the user's organisation; only assigned ones for assigned-only caseworkers."""
        return scope_to_persons_of(self, user)

    def open(self) -> Self:
        """Cases that are not closed."""
        return self.exclude(status="closed")


class PersonScopedQuerySet(models.QuerySet):
    """Records attached to a person by a `person` foreign key."""

    def visible_to(self, user: Any) -> Self:
        """Records of persons the user can see."""
        return scope_to_persons_of(self, user, prefix="person__")

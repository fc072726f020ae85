"""Reads about merges for other pages: where a merged record's URL leads, and the merges into a record."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from casework.merging.models import PersonMerge
from casework.people.models import Person

# Merges of merges: a tombstone may point at another tombstone. The chain is short in practice.
_MAX_CHAIN = 20


def merge_survivor(*, user: Any, public_id: UUID) -> Person | None:
    """The live record that the tombstone `public_id` was merged into (through later merges), in the user's scope."""
    tombstone = Person.objects.merged_visible_to(user).filter(public_id=public_id).first()
    if tombstone is None:
        return None
    survivor_id = tombstone.merged_into_id
    for _step in range(_MAX_CHAIN):
        survivor = Person.objects.visible_to(user).filter(pk=survivor_id).first()
        if survivor is not None:
            return survivor
        survivor_id = (
            Person.objects.merged_visible_to(user)
            .filter(pk=survivor_id)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if survivor_id is None:
            return None
    return None


def merges_into(*, person: Person, user: Any) -> QuerySet[PersonMerge]:
    """The merges that made `person` the survivor, newest first."""
    return PersonMerge.objects.visible_to(user).filter(survivor=person).select_related("merged")

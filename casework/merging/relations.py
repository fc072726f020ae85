"""Every relation to `Person`, discovered from the models, and what a merge does with each.

A model added later with a foreign key to `Person` shows up in `person_relations()`; until it is
listed in `MOVED` or `NOT_MOVED` (with the reason), `tests/merging/test_relations.py` fails and
`services.person_merge` refuses to merge records that have rows in it.
"""

from dataclasses import dataclass

from django.db import models

from casework.people.models import Person

# How the rows of a relation move to the survivor (see `services._move_rows` and its helpers).
MOVE = "move"  # point them at the survivor; a clash with a unique constraint refuses the merge
ALIAS = "alias"  # the same name of the same kind already on the survivor: the other's copy is dropped
FAMILY = "family"  # duplicates dropped, a link between the two records dropped, both directions kept
CUSTODY = "custody"  # overlapping periods refuse the merge
CLAIM = "claim"  # like MOVE; the survivor's primary nationality stays the primary one
REMINDER = "reminder"  # the subject key follows the person; the same occurrence twice: one is dropped

MOVED: dict[str, str] = {
    "people.Alias.person": ALIAS,
    "people.FamilyLink.person": FAMILY,
    "people.FamilyLink.relative": FAMILY,
    "people.CustodyPeriod.person": CUSTODY,
    "people.NationalityClaim.person": CLAIM,
    "people.IdentityDocument.person": MOVE,
    "people.DnaTest.person": MOVE,
    "people.Assessment.person": MOVE,
    "people.PersonStatusChange.person": MOVE,
    # Earlier merges into the merged record: their tombstones lead to the survivor now.
    "people.Person.merged_into": MOVE,
    "screenings.Screening.person": MOVE,
    "govrequests.RequestedPerson.person": MOVE,
    "govrequests.HandoverPerson.person": MOVE,
    "govrequests.DisclosedPerson.person": MOVE,
    "reminders.Reminder.person": REMINDER,
    "imports.ExternalReference.person": MOVE,
    # One journey per person: both records having one refuses the merge (unique constraint).
    "people.JourneyToSyria.person": MOVE,
    "people.ReturnAssessment.person": MOVE,
    "screenings.CustodyEntry.person": MOVE,
    "legal.LegalProceeding.person": MOVE,
    "legal.Hearing.person": MOVE,
}

NOT_MOVED: dict[str, str] = {
    "people.PersonNameKey.person": "the matching index: rebuilt from the survivor's names and aliases",
    "imports.ImportRow.person": "what an import did to that record; undoing the import is refused once it changed",
    "imports.ImportRow.decision_person": "the duplicate a reviewer chose during an import: a record of the decision",
    "retention.RetentionReview.person": "a review of that record as it was closed; the survivor is reviewed on its own",
    "matching.DuplicatePair.person_a": "a reviewer's decision about two records; the next scan pairs the survivor anew",
    "matching.DuplicatePair.person_b": "a reviewer's decision about two records; the next scan pairs the survivor anew",
    "merging.PersonMerge.survivor": "the record of a merge itself",
    "merging.PersonMerge.merged": "the record of a merge itself",
}
# History rows (django-simple-history) are never rewritten: a moved record gets a new history row.
HISTORY_REASON = "history rows record what was; a moved record gets a new history row naming the actor"


@dataclass(frozen=True)
class PersonRelation:
    """A foreign key to `Person` (`field`, on `model`)."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def is_history(self) -> bool:
        # Historical models of django-simple-history carry the model they record as `instance_type`.
        return hasattr(self.model, "instance_type")

    @property
    def policy(self) -> str | None:
        return MOVED.get(self.key)


def person_relations() -> list[PersonRelation]:
    """Every foreign key (one-to-one included) to `Person` from any model, hidden ones included.

    Many-to-many relations are reached through their through model's foreign key, which is
    listed here as well (an automatic through model too: its key is hidden but present).
    """
    relations = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            relations.append(PersonRelation(model=rel.related_model, field=rel.field))
    return relations


def unlisted_relations() -> list[str]:
    """Relations that are neither moved nor explicitly left where they are: a merge would forget them."""
    return [
        relation.key
        for relation in person_relations()
        if not relation.is_history and relation.key not in MOVED and relation.key not in NOT_MOVED
    ]


def moved_relations() -> list[PersonRelation]:
    return [relation for relation in person_relations() if relation.policy is not None]

"""Writes of the records attached to a person: add, edit and remove (the pages of `people.record_views`),
family links and nationality claims as edited there, and the alias formset."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import delete_with_history, save_with_history
from casework.core.signals import records_changed_send
from casework.people.choices import Relation
from casework.people.models import Alias, FamilyLink, NationalityClaim, Person
from casework.people.models.family import INVERSE_RELATION
from casework.people.namekeys import person_name_keys_rebuild
from casework.people.services.persons import (
    ConcurrentEditError,
    _delete_files_on_commit,
    _delete_replaced_files_on_commit,
    _inverse_relation,
    _lock_visible_person,
    _stored_files,
)

FAMILY_LINK_REMOVED = "people.familylink.removed"  # the audit action, for a link and for its inverse


class RecordGoneError(DomainError):
    """The record was removed (by someone else) after the user opened it."""

    def __init__(self) -> None:
        super().__init__(_("Someone else removed this record while you were editing it. Nothing was saved."))


def _record_action(record: Any, verb: str) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}.{verb}"


def _lock_visible_record(record: Any, actor: Any) -> Any:
    """The record's row, locked; RecordGoneError if it is no longer there (or no longer visible)."""
    model = type(record)
    locked = model.objects.select_for_update(of=("self",)).visible_to(actor).filter(pk=record.pk).first()
    if locked is None:
        raise RecordGoneError
    return locked


def _editable_changes(current: Any, edited: Any) -> list[str]:
    """Names of the editable fields whose value differs between two versions of a record."""
    return [
        field.name
        for field in type(current)._meta.concrete_fields
        if field.editable and getattr(current, field.attname) != getattr(edited, field.attname)
    ]


def _check_version(current: Any, edited: Any, expected_updated_at: datetime | None) -> None:
    """Optimistic concurrency: refuse when the row changed since the version the user's form was built from."""
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ConcurrentEditError(changed_fields=_editable_changes(current, edited))


@transaction.atomic
def person_record_add(*, person: Person, record: Any, actor: Any) -> Any:
    """Attach a new record (an unsaved document, DNA test, screening…) to the person."""
    if record.pk is not None:
        raise ValueError("person_record_add takes an unsaved record")
    locked = _lock_visible_person(person, actor)
    record.person = locked
    record.full_clean()
    save_with_history(record, actor)
    if isinstance(record, Alias):
        person_name_keys_rebuild(person_ids=[locked.pk])
    audit.record(actor=actor, action=_record_action(record, "added"), target=record)
    records_changed_send(person_ids=[locked.pk])
    return record


@transaction.atomic
def person_record_update(*, record: Any, actor: Any, expected_updated_at: datetime | None = None) -> Any:
    """Save edits made to a record of a person; refuse if it changed since `expected_updated_at`.

    The audit event names the changed fields; the old and new values are in the record's history.
    """
    _lock_visible_person(record.person, actor)
    current = _lock_visible_record(record, actor)
    if current.person_id != record.person_id:
        raise PermissionDenied
    _check_version(current, record, expected_updated_at)
    changed = _editable_changes(current, record)
    record.full_clean()
    save_with_history(record, actor)
    if isinstance(record, Alias):
        person_name_keys_rebuild(person_ids=[record.person_id, current.person_id])
    _delete_replaced_files_on_commit(_stored_files(current), record)
    audit.record(actor=actor, action=_record_action(record, "updated"), target=record, data={"fields": changed})
    records_changed_send(person_ids=[record.person_id, current.person_id])
    return record


@transaction.atomic
def person_record_remove(*, record: Any, actor: Any, expected_updated_at: datetime | None = None) -> None:
    """Remove a record of a person (its history keeps the last version); refuse if it changed meanwhile."""
    _lock_visible_person(record.person, actor)
    current = _lock_visible_record(record, actor)
    _check_version(current, current, expected_updated_at)
    audit.record(actor=actor, action=_record_action(current, "removed"), target=current)
    delete_with_history(current, actor)
    if isinstance(current, Alias):
        person_name_keys_rebuild(person_ids=[current.person_id])
    _delete_files_on_commit(list(_stored_files(current).values()))
    records_changed_send(person_ids=[current.person_id])


def _inverse_link(link: FamilyLink) -> FamilyLink | None:
    """The link stored in the other direction, locked (None if it was never written)."""
    inverses = {
        Relation.CHILD: {Relation.MOTHER, Relation.FATHER, Relation.OTHER},
        Relation.MOTHER: {Relation.CHILD},
        Relation.FATHER: {Relation.CHILD},
    }.get(link.relation, {INVERSE_RELATION[link.relation]})
    return (
        FamilyLink.objects.select_for_update()
        .filter(person_id=link.relative_id, relative_id=link.person_id, relation__in=inverses)
        .order_by("pk")
        .first()
    )


def _lock_family_link(
    link: FamilyLink, actor: Any, *, edited: FamilyLink | None, expected_updated_at: datetime | None
) -> tuple[FamilyLink, FamilyLink | None]:
    """The link, locked and version-checked, with its inverse.

    The inverse link is a record of the relative, so the actor must see the relative too (as to create the link).
    """
    _lock_visible_person(link.person, actor)
    current = _lock_visible_record(link, actor)
    _lock_visible_person(current.relative, actor)
    _check_version(current, edited or current, expected_updated_at)
    return current, _inverse_link(current)


@transaction.atomic
def family_link_update(*, link: FamilyLink, actor: Any, expected_updated_at: datetime | None = None) -> FamilyLink:
    """Save edits of a family link (relation, verified, notes) and mirror them on the inverse link."""
    current, inverse = _lock_family_link(link, actor, edited=link, expected_updated_at=expected_updated_at)
    changed = _editable_changes(current, link)
    link.full_clean()
    save_with_history(link, actor)
    if inverse is not None:
        inverse.relation = _inverse_relation(link.relation, link.person)
        inverse.is_verified = link.is_verified
        inverse.notes = link.notes
        inverse.full_clean()
        save_with_history(inverse, actor)
    audit.record(actor=actor, action="people.familylink.updated", target=link, data={"fields": changed})
    return link


@transaction.atomic
def family_link_remove(*, link: FamilyLink, actor: Any, expected_updated_at: datetime | None = None) -> None:
    """Remove a family link and its inverse, so that neither person still shows the other."""
    current, inverse = _lock_family_link(link, actor, edited=None, expected_updated_at=expected_updated_at)
    audit.record(actor=actor, action=FAMILY_LINK_REMOVED, target=current)
    for row in (current, inverse):
        if row is not None:
            delete_with_history(row, actor)


@transaction.atomic
def family_link_inverse_remove(*, link: FamilyLink, actor: Any) -> None:
    """Remove the inverse of a family link that was deleted elsewhere (an admin inline row), so none stays one-sided.

    The inverse link is a record of the relative, so the actor must see the relative too (as to remove the link).
    """
    _lock_visible_person(link.person, actor)
    _lock_visible_person(link.relative, actor)
    inverse = _inverse_link(link)
    if inverse is None:
        return
    audit.record(actor=actor, action=FAMILY_LINK_REMOVED, target=inverse, data={"inverse": True})
    delete_with_history(inverse, actor)


@transaction.atomic
def nationality_claim_update(
    *, claim: NationalityClaim, actor: Any, expected_updated_at: datetime | None = None
) -> NationalityClaim:
    """Save edits of a claim's basis, notes and flags; a new main nationality takes the mark from the old one."""
    _lock_visible_person(claim.person, actor)
    current = _lock_visible_record(claim, actor)
    _check_version(current, claim, expected_updated_at)
    changed = _editable_changes(current, claim)
    if claim.is_primary and not current.is_primary:
        for previous in NationalityClaim.objects.select_for_update().filter(person_id=claim.person_id, is_primary=True):
            previous.is_primary = False
            save_with_history(previous, actor, update_fields=["is_primary", "updated_at"])
    claim.full_clean()
    save_with_history(claim, actor)
    audit.record(actor=actor, action="people.nationalityclaim.updated", target=claim, data={"fields": changed})
    return claim


def nationality_claim_remove(
    *, claim: NationalityClaim, actor: Any, expected_updated_at: datetime | None = None
) -> None:
    """Remove a nationality claim (the claim pages call update and remove with `claim=`)."""
    person_record_remove(record=claim, actor=actor, expected_updated_at=expected_updated_at)


@transaction.atomic(durable=True)
def person_aliases_save(*, person: Person, actor: Any, rows: list[dict[str, Any]]) -> None:
    """Apply the rows of the aliases formset, all or nothing: add new names, edit and remove recorded ones.

    Each row: `alias` (None for a new name), `version` (the alias's `updated_at` the form was built
    from), `delete`, and `fields` (kind, name, script and, for permitted users, armed_group_link).
    A row changed by someone else meanwhile raises ConcurrentEditError and nothing is saved.
    """
    for row in rows:
        alias = row["alias"]
        if alias is None:
            if not row["delete"]:
                person_record_add(person=person, record=Alias(**row["fields"]), actor=actor)
        elif row["delete"]:
            person_record_remove(record=alias, actor=actor, expected_updated_at=row["version"])
        elif any(getattr(alias, name) != value for name, value in row["fields"].items()):
            for name, value in row["fields"].items():
                setattr(alias, name, value)
            person_record_update(record=alias, actor=actor, expected_updated_at=row["version"])

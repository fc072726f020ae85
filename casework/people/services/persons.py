"""Writes about persons: registration, edits, case status, assignment, family links, custody, claims, aliases.

Terms: a *case* is the work on one person, its *status* is the stage of that work (see
`Person.TRANSITIONS`); *custody* is where the person is held, as dated periods at facilities.
Every function takes the acting user, records history (django-simple-history, with the actor as
history user) and an audit event, and re-checks inside its transaction that the actor can see the
records it writes.
"""

from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from casework.accounts.models import Organisation
from casework.camps.models import Facility, FacilitySection
from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.history import save_with_history
from casework.core.signals import records_changed_send
from casework.people.case_moves import record_status_move
from casework.people.choices import CaseStatus, ClaimStatus, Relation, Sex
from casework.people.models import Alias, CustodyPeriod, FamilyLink, NationalityClaim, Person
from casework.people.models.family import INVERSE_RELATION
from casework.people.namekeys import person_name_keys_rebuild


class ConcurrentEditError(DomainError):
    """Someone else saved the record after the user opened it."""

    def __init__(self, *, changed_fields: list[str]) -> None:
        self.changed_fields = changed_fields
        super().__init__(
            _("Someone else changed this record while you were editing it. Changed fields: %(fields)s.")
            % {"fields": ", ".join(changed_fields) or "—"}
        )


def _lock_visible_person(person: Person, actor: Any) -> Person:
    """The person's row, locked, or PermissionDenied if the actor cannot see it (any more)."""
    locked = Person.objects.select_for_update().visible_to(actor).filter(pk=person.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def _stored_files(record: Any) -> dict[str, tuple[Any, str]]:
    """The record's stored files: field name -> (storage, file name), for the fields that hold one."""
    files = {}
    for field in record._meta.concrete_fields:
        if isinstance(field, models.FileField):
            name = getattr(record, field.attname).name
            if name:
                files[field.name] = (field.storage, name)
    return files


def _delete_files_on_commit(files: list[tuple[Any, str]]) -> None:
    """Delete stored files once the transaction commits (never if it rolls back: the row still points to them).

    Retention decision: a replaced or removed copy of a document or photo is personal data that no
    record uses any more, so it does not stay on disk (history rows keep only its name).
    """
    for storage, name in files:
        # robust: the change is committed either way; a file that cannot be deleted (permissions, a
        # storage outage) is logged by Django (the name only) instead of turning the response into a
        # 500 and skipping the other deletions.
        transaction.on_commit(partial(storage.delete, name), robust=True)


def _delete_replaced_files_on_commit(before: dict[str, tuple[Any, str]], after: Any) -> None:
    """Delete on commit the files that `after` (the saved record) no longer points to."""
    now = {name: stored[1] for name, stored in _stored_files(after).items()}
    _delete_files_on_commit([stored for field, stored in before.items() if now.get(field) != stored[1]])


def _create_and_audit(*rows: models.Model, actor: Any, action: str, person: Person, data: dict[str, Any]) -> None:
    """Validate and save new records about `person` (history rows name `actor`), then audit it once."""
    for row in rows:
        row.full_clean()
        save_with_history(row, actor)
    audit.record(actor=actor, action=action, target=person, data=data)


def _next_case_number(organisation_id: int) -> str:
    """Hand out the organisation's next case number under a row lock (no gaps from races)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    organisation.last_case_number += 1
    organisation.save(update_fields=["last_case_number", "updated_at"])
    return f"{organisation.code}-{organisation.last_case_number:06d}"


@transaction.atomic
def person_register(*, person: Person, actor: Any) -> Person:
    """Register a new person (an unsaved instance) in the actor's organisation and give it a case number."""
    if person.pk is not None:
        raise ValueError("person_register takes an unsaved person")
    if not actor.is_superuser:
        if person.organisation_id and person.organisation_id != actor.organisation_id:
            raise PermissionDenied
        person.organisation_id = actor.organisation_id
    if person.organisation_id is None:
        raise DomainError(_("Choose the organisation that owns this case."))
    if person.assigned_to_id and person.assigned_to.organisation_id != person.organisation_id:
        raise DomainError(_("The assigned caseworker belongs to another organisation."))
    if person.assigned_to_id not in (None, actor.pk) and not actor.has_perm("people.assign_case"):
        raise PermissionDenied
    person.case_number = _next_case_number(person.organisation_id)
    person.created_by = actor
    person.status = CaseStatus.REGISTERED
    person.status_changed_at = timezone.now()
    person.full_clean(exclude=["case_number"])
    save_with_history(person, actor)
    person_name_keys_rebuild(person_ids=[person.pk])
    audit.record(actor=actor, action="people.person.registered", target=person)
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Any, expected_updated_at: datetime | None = None) -> Person:
    """Save edits made to `person`; refuse if the record changed since `expected_updated_at`.

    `expected_updated_at` is the `updated_at` the user's form was built from (optimistic
    concurrency): a conflicting save raises ConcurrentEditError naming the fields that differ.
    """
    current = _lock_visible_person(person, actor)
    if current.organisation_id != person.organisation_id and not actor.is_superuser:
        raise PermissionDenied
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        changed = [
            f.name
            for f in Person._meta.concrete_fields
            if f.editable and getattr(current, f.attname) != getattr(person, f.attname)
        ]
        raise ConcurrentEditError(changed_fields=changed)
    if person.assigned_to_id and person.assigned_to.organisation_id != person.organisation_id:
        raise DomainError(_("The assigned caseworker belongs to another organisation."))
    if person.assigned_to_id != current.assigned_to_id and not actor.has_perm("people.assign_case"):
        raise PermissionDenied
    # Status fields move only through person_transition.
    person.status = current.status
    person.status_changed_at = current.status_changed_at
    person.closure_reason = current.closure_reason
    person.full_clean()
    # Which fields changed, never their values (some are L3).
    changed = sorted(
        f.name
        for f in Person._meta.concrete_fields
        if f.editable and not f.primary_key and getattr(current, f.attname) != getattr(person, f.attname)
    )
    save_with_history(person, actor)
    person_name_keys_rebuild(person_ids=[person.pk])
    _delete_replaced_files_on_commit(_stored_files(current), person)
    audit.record(actor=actor, action="people.person.updated", target=person, data={"fields": changed})
    records_changed_send(person_ids=[person.pk])
    return person


@transaction.atomic
def person_transition(*, person: Person, to: str, actor: Any, note: str = "", closure_reason: str = "") -> Person:
    """Move a case to status `to`, recording who did it and why. Raises TransitionNotAllowed."""
    if not actor.has_perm("people.transition_person"):
        raise PermissionDenied
    locked = _lock_visible_person(person, actor)
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=CaseStatus)
    blocker = locked.transition_blocker(to)
    if blocker:
        raise TransitionNotAllowed(current=locked.status, requested=to, reason=blocker, labels=CaseStatus)
    if to in Person.NOTE_REQUIRED and not note.strip():
        raise DomainError(_("Give a reason for this change."))
    if to == CaseStatus.CLOSED and not closure_reason:
        raise DomainError(_("Choose a closure reason."))
    record_status_move(locked, to=to, actor=actor, note=note, closure_reason=closure_reason)
    return locked


@transaction.atomic
def person_assign(*, person: Person, assignee: Any, actor: Any) -> Person:
    """Assign the case to a caseworker of the same organisation (None to unassign)."""
    if not actor.has_perm("people.assign_case"):
        raise PermissionDenied
    locked = _lock_visible_person(person, actor)
    if assignee is not None and assignee.organisation_id != locked.organisation_id:
        raise DomainError(_("The caseworker belongs to another organisation."))
    old = locked.assigned_to_id
    locked.assigned_to = assignee
    save_with_history(locked, actor, update_fields=["assigned_to", "updated_at"])
    audit.record(
        actor=actor,
        action="people.person.assigned",
        target=locked,
        data={"from": old, "to": assignee.pk if assignee else None},
    )
    return locked


@transaction.atomic
def person_bulk_assign(*, persons: list[Person], assignee: Any, actor: Any, reason: str = "") -> int:
    """Assign many cases at once; writes one history row per person (bulk changes are audited too)."""
    if not actor.has_perm("people.assign_case"):
        raise PermissionDenied
    ids = [p.pk for p in persons]
    locked = list(Person.objects.select_for_update().visible_to(actor).filter(pk__in=ids))
    if len(locked) != len(set(ids)):
        raise PermissionDenied
    if assignee is not None and any(p.organisation_id != assignee.organisation_id for p in locked):
        raise DomainError(_("The caseworker belongs to another organisation."))
    now = timezone.now()
    for person in locked:
        person.assigned_to = assignee
        person.updated_at = now
    bulk_update_with_history(
        locked, Person, ["assigned_to", "updated_at"], default_user=actor, default_change_reason=reason[:100] or None
    )
    audit.record(
        actor=actor,
        action="people.person.bulk_assigned",
        data={"count": len(locked), "to": assignee.pk if assignee else None},
    )
    return len(locked)


def _inverse_relation(relation: str, person: Person) -> str:
    """The relation of `person` as seen from the relative (a child's mother sees a child)."""
    inverse = INVERSE_RELATION[relation]
    if inverse is not None:
        return inverse
    return {Sex.FEMALE: Relation.MOTHER, Sex.MALE: Relation.FATHER}.get(person.sex, Relation.OTHER)


@transaction.atomic
def family_link_create(
    *, person: Person, relative: Person, relation: str, actor: Any, is_verified: bool = False, notes: str = ""
) -> FamilyLink:
    """Record that `relative` is the `relation` of `person`, and the inverse link."""
    locked = _lock_visible_person(person, actor)
    other = _lock_visible_person(relative, actor)
    refusal = FamilyLink.refusal(locked, other)
    if refusal is not None:
        raise DomainError(refusal)
    if FamilyLink.objects.filter(person=locked, relative=other, relation=relation).exists():
        raise DomainError(_("This family link is already recorded."))
    link = FamilyLink(person=locked, relative=other, relation=relation, is_verified=is_verified, notes=notes)
    inverse = FamilyLink(
        person=other,
        relative=locked,
        relation=_inverse_relation(relation, locked),
        is_verified=is_verified,
        notes=notes,
    )
    _create_and_audit(
        link, inverse, actor=actor, action="people.family_link.created", person=locked, data={"relation": relation}
    )
    return link


@transaction.atomic
def custody_move(
    *,
    person: Person,
    facility: Facility,
    start_date: date,
    actor: Any,
    section: FacilitySection | None = None,
    reason: str = "transfer",
    exact_location: str = "",
    notes: str = "",
) -> CustodyPeriod:
    """Record that the person is at `facility` from `start_date`, closing the current period that day."""
    locked = _lock_visible_person(person, actor)
    current = CustodyPeriod.objects.select_for_update().filter(person=locked, end_date__isnull=True).first()
    if current is not None:
        if start_date < current.start_date:
            raise DomainError(_("The move is dated before the start of the current custody period."))
        current.end_date = start_date
        save_with_history(current, actor, update_fields=["end_date", "updated_at"])
    period = CustodyPeriod(
        person=locked,
        facility=facility,
        section=section,
        start_date=start_date,
        transfer_reason=reason,
        exact_location=exact_location,
        notes=notes,
    )
    period.full_clean()
    save_with_history(period, actor)
    if locked.whereabouts_unknown:
        locked.whereabouts_unknown = False
        save_with_history(locked, actor, update_fields=["whereabouts_unknown", "updated_at"])
    audit.record(
        actor=actor,
        action="people.custody.moved",
        target=locked,
        data={"facility": str(facility.public_id), "reason": reason},
    )
    return period


@transaction.atomic
def nationality_claim_transition(
    *, claim: NationalityClaim, to: str, actor: Any, on: date | None = None, note: str = ""
) -> NationalityClaim:
    """Move a nationality claim to status `to` (e.g. under verification → confirmed)."""
    if not NationalityClaim.objects.visible_to(actor).filter(pk=claim.pk).exists():
        raise PermissionDenied
    locked = NationalityClaim.objects.select_for_update().get(pk=claim.pk)
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=ClaimStatus)
    old = locked.status
    locked.status = to
    locked.status_changed_on = on or timezone.localdate()
    save_with_history(locked, actor, reason=note, update_fields=["status", "status_changed_on", "updated_at"])
    audit.record(
        actor=actor, action="people.nationality_claim.status_changed", target=locked, data={"from": old, "to": to}
    )
    return locked


@transaction.atomic
def alias_add(*, person: Person, kind: str, name: str, script: str, actor: Any) -> Alias:
    """Record another name the person is known by."""
    locked = _lock_visible_person(person, actor)
    alias = Alias(person=locked, kind=kind, name=name, script=script)
    _create_and_audit(alias, actor=actor, action="people.alias.added", person=locked, data={"kind": kind})
    person_name_keys_rebuild(person_ids=[locked.pk])
    return alias


@transaction.atomic
def nationality_claim_add(
    *,
    person: Person,
    country: str,
    basis: str,
    actor: Any,
    is_primary: bool = False,
    statelessness_risk: bool = False,
    claimed_on: date | None = None,
    notes: str = "",
) -> NationalityClaim:
    """Record that the person claims the nationality of `country` (status: claimed).

    A new main nationality takes the mark from the claim that had it (one main nationality each).
    """
    locked = _lock_visible_person(person, actor)
    if is_primary:
        for previous in NationalityClaim.objects.select_for_update().filter(person=locked, is_primary=True):
            previous.is_primary = False
            save_with_history(previous, actor, update_fields=["is_primary", "updated_at"])
    claim = NationalityClaim(
        person=locked,
        country=country,
        basis=basis,
        is_primary=is_primary,
        statelessness_risk=statelessness_risk,
        claimed_on=claimed_on or timezone.localdate(),
        notes=notes,
    )
    _create_and_audit(
        claim, actor=actor, action="people.nationality_claim.added", person=locked, data={"country": str(country)}
    )
    return claim


def nationality_claim_add_from(*, person: Person, claim: NationalityClaim, actor: Any) -> NationalityClaim:
    """`nationality_claim_add` with the values of the unsaved `claim` of a form (the person page's or the admin's)."""
    return nationality_claim_add(
        person=person,
        country=claim.country,
        basis=claim.basis,
        actor=actor,
        is_primary=claim.is_primary,
        statelessness_risk=claim.statelessness_risk,
        claimed_on=claim.claimed_on,
        notes=claim.notes,
    )


@transaction.atomic(durable=True)
def person_register_with_details(
    *,
    person: Person,
    actor: Any,
    aliases: list[dict[str, str]] | tuple[dict[str, str], ...] = (),
    claims: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
    family_links: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
) -> Person:
    """Register a person together with their aliases, nationality claims and family links, all or nothing.

    `aliases` are dicts of kind, name and script; `claims` dicts of country, basis and is_primary;
    `family_links` dicts of relation and relative (an existing person the actor can see).
    Without a claim marked main, the first claim is the main nationality.
    """
    person = person_register(person=person, actor=actor)
    for alias in aliases:
        alias_add(person=person, actor=actor, **alias)
    has_primary = any(claim.get("is_primary") for claim in claims)
    for index, claim in enumerate(claims):
        primary = bool(claim.get("is_primary")) if has_primary else index == 0
        nationality_claim_add(
            person=person, actor=actor, country=claim["country"], basis=claim["basis"], is_primary=primary
        )
    for link in family_links:
        family_link_create(person=person, actor=actor, relative=link["relative"], relation=link["relation"])
    return person

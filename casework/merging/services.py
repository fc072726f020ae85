"""Merging two records of the same person into one, and undoing it.

`person_merge` moves everything attached to the other record to the survivor (the relations of
`relations.py`), copies the field values the user chose, adds the other record's names as aliases
and leaves the other record as a tombstone (`Person.merged_into`). Every row it writes is recorded
in the `PersonMerge` with its values before and after, so that `person_unmerge` puts each back
exactly (only the `updated_at` times then say when the unmerge happened). An unmerge is refused,
naming the rows, when any row the merge wrote has changed since: undo later work first.
"""

import json
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.editing import display_value
from casework.core.exceptions import DomainError
from casework.core.history import delete_with_history, save_with_history
from casework.core.sensitivity import hidden_fields_for
from casework.merging import relations
from casework.merging.models import PersonMerge
from casework.people.choices import AliasKind, Script
from casework.people.models import Alias, CustodyPeriod, FamilyLink, NationalityClaim, Person
from casework.people.namekeys import person_name_keys_rebuild
from casework.reminders.models import Reminder, subject_key_for

# Fields never chosen field by field: the owner, and what `editable=False` already leaves out
# (case number, status, derived and audit fields, the tombstone link).
_NOT_CHOSEN = frozenset({"organisation"})


class MergeRefused(DomainError):
    """The merge (or unmerge) cannot be done; `reasons` says why, one sentence each."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


# --- Fields -----------------------------------------------------------------------------------------


def mergeable_fields() -> list[models.Field]:
    """The fields of a person whose value the user picks from either record when they differ."""
    return [
        field
        for field in Person._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in _NOT_CHOSEN
    ]


def differing_fields(first: Person, second: Person, *, user: Any) -> list[models.Field]:
    """The fields the user chooses between: those that differ, without the L3 ones the user may not read."""
    hidden = hidden_fields_for(user, Person)
    return [
        field
        for field in mergeable_fields()
        if field.name not in hidden and getattr(first, field.attname) != getattr(second, field.attname)
    ]


# --- The record of the rows written ------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder keeps only milliseconds of a time: a restore must put back the microseconds too."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _dump(obj: models.Model) -> dict[str, Any]:
    """The row's field values as JSON data, as Django's serializer writes them (times to the microsecond)."""
    fields = serializers.serialize("python", [obj])[0]["fields"]
    return json.loads(json.dumps(fields, cls=_ExactEncoder))


def _build(label: str, pk: Any, fields: dict[str, Any]) -> models.Model:
    """An instance with the recorded values (not saved)."""
    return next(serializers.deserialize("python", [{"model": label, "pk": pk, "fields": fields}])).object


class _Changes:
    """Each row written, once, in the order first written: its values before, and after at the end."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, Any], dict[str, Any]] = {}

    def updating(self, obj: models.Model) -> None:
        """Call before changing `obj`, which holds the row as stored."""
        key = (obj._meta.label, obj.pk)
        if key not in self.entries:
            self.entries[key] = {"op": "update", "model": key[0], "pk": obj.pk, "before": _dump(obj), "after": None}

    def created(self, obj: models.Model) -> None:
        key = (obj._meta.label, obj.pk)
        self.entries[key] = {"op": "create", "model": key[0], "pk": obj.pk, "before": None, "after": None}

    def deleting(self, obj: models.Model) -> None:
        key = (obj._meta.label, obj.pk)
        entry = self.entries.get(key)
        if entry is None:
            self.entries[key] = {"op": "delete", "model": key[0], "pk": obj.pk, "before": _dump(obj), "after": None}
        elif entry["op"] == "create":
            del self.entries[key]
        else:
            entry["op"] = "delete"

    def finish(self) -> list[dict[str, Any]]:
        """The entries, with the values after the merge of every row still there."""
        by_model: dict[str, list[dict[str, Any]]] = {}
        for entry in self.entries.values():
            if entry["op"] != "delete":
                by_model.setdefault(entry["model"], []).append(entry)
        for label, entries in by_model.items():
            rows = apps.get_model(label)._base_manager.in_bulk([entry["pk"] for entry in entries])
            for entry in entries:
                entry["after"] = _dump(rows[entry["pk"]])
        return list(self.entries.values())


class _Merge:
    """One merge under way: the two locked records, the actor, what was written and the summary."""

    def __init__(self, *, keep: Person, gone: Person, actor: Any) -> None:
        self.keep = keep
        self.gone = gone
        self.actor = actor
        self.changes = _Changes()
        self.moved: dict[str, int] = {}
        self.dropped: dict[str, int] = {}
        self.reason = f"merge of {gone.case_number} into {keep.case_number}"

    def count(self, tally: dict[str, int], obj: models.Model) -> None:
        tally[obj._meta.label] = tally.get(obj._meta.label, 0) + 1

    def move(self, row: models.Model, field: models.ForeignKey, **values: Any) -> None:
        self.changes.updating(row)
        setattr(row, field.attname, self.keep.pk)
        for name, value in values.items():
            setattr(row, name, value)
        save_with_history(row, self.actor, reason=self.reason)
        self.count(self.moved, row)

    def drop(self, row: models.Model) -> None:
        self.changes.deleting(row)
        delete_with_history(row, self.actor)
        self.count(self.dropped, row)


# --- Refusals ----------------------------------------------------------------------------------------


def _unique_field_sets(model: type[models.Model], field: models.ForeignKey) -> list[tuple[str, ...]]:
    """The unconditional unique sets of `model` that include `field`."""
    sets = [
        tuple(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None
    ]
    sets += [tuple(together) for together in model._meta.unique_together]
    if field.unique:
        sets.append((field.name,))
    return [fields for fields in sets if field.name in fields]


def _unique_clashes(relation: relations.PersonRelation, keep: Person, gone: Person) -> list[str]:
    """A row of each record that would be the same row once moved: e.g. both on the same request."""
    model, field = relation.model, relation.field
    manager = model._default_manager
    reasons = []
    for fields in _unique_field_sets(model, field):
        others = [name for name in fields if name != field.name]
        attnames = [model._meta.get_field(name).attname for name in others]
        kept = set(manager.filter(**{field.name: keep.pk}).values_list(*attnames)) if others else set()
        if not others and manager.filter(**{field.name: keep.pk}).exists():
            kept = {()}
        for row in manager.filter(**{field.name: gone.pk}).order_by("pk"):
            if tuple(getattr(row, attname) for attname in attnames) in kept:
                reasons.append(
                    _(
                        "Both records are recorded as “%(what)s” for the same %(fields)s (%(values)s): "
                        "one person cannot be there twice. Remove one of the two first, then merge."
                    )
                    % {
                        "what": model._meta.verbose_name,
                        "fields": ", ".join(str(model._meta.get_field(name).verbose_name) for name in others),
                        "values": ", ".join(display_value(row, name) for name in others),
                    }
                )
    return reasons


def _custody_overlaps(keep: Person, gone: Person) -> list[str]:
    reasons = []
    for period in CustodyPeriod.objects.filter(person=gone).select_related("facility").order_by("start_date"):
        clash = (
            CustodyPeriod.objects.overlapping(person_id=keep.pk, start_date=period.start_date, end_date=period.end_date)
            .select_related("facility")
            .first()
        )
        if clash is not None:
            reasons.append(
                _(
                    "Custody periods overlap: %(facility)s from %(start)s (%(case)s) and %(other_facility)s "
                    "from %(other_start)s (%(other_case)s). Correct the custody history of one record first."
                )
                % {
                    "facility": period.facility,
                    "start": date_format(period.start_date, "SHORT_DATE_FORMAT"),
                    "case": gone.case_number,
                    "other_facility": clash.facility,
                    "other_start": date_format(clash.start_date, "SHORT_DATE_FORMAT"),
                    "other_case": keep.case_number,
                }
            )
    return reasons


def merge_refusals(keep: Person, gone: Person) -> list[str]:
    """Why these two records cannot be merged as they are (either may survive: the checks are symmetric)."""
    reasons = []
    if keep.organisation_id != gone.organisation_id:
        return [_("Both records must belong to the same organisation.")]
    unlisted = relations.unlisted_relations()
    if unlisted:
        reasons.append(_("Casework does not know how to merge these kinds of records: %s.") % ", ".join(unlisted))
    reasons += _custody_overlaps(keep, gone)
    for relation in relations.moved_relations():
        if relation.policy in (relations.MOVE, relations.CLAIM, relations.CUSTODY):
            reasons += _unique_clashes(relation, keep, gone)
    return reasons


# --- Moving each kind of record -----------------------------------------------------------------------


def _rows(relation: relations.PersonRelation, person: Person) -> list[models.Model]:
    manager = relation.model._base_manager
    return list(manager.select_for_update().filter(**{relation.field.name: person.pk}).order_by("pk"))


def _move_plain(merge: _Merge, relation: relations.PersonRelation) -> None:
    for row in _rows(relation, merge.gone):
        merge.move(row, relation.field)


def _move_claims(merge: _Merge, relation: relations.PersonRelation) -> None:
    keeps_primary = NationalityClaim.objects.filter(person=merge.keep, is_primary=True).exists()
    for row in _rows(relation, merge.gone):
        # The survivor's primary nationality stays the primary one.
        merge.move(row, relation.field, **({"is_primary": False} if keeps_primary else {}))


def _move_aliases(merge: _Merge, relation: relations.PersonRelation) -> None:
    for alias in _rows(relation, merge.gone):
        if Alias.objects.filter(person=merge.keep, kind=alias.kind, name=alias.name).exists():
            merge.drop(alias)
        else:
            merge.move(alias, relation.field)


def _move_reminders(merge: _Merge, relation: relations.PersonRelation) -> None:
    for reminder in _rows(relation, merge.gone):
        key = subject_key_for(person_id=merge.keep.pk, gov_request_id=reminder.gov_request_id)
        same = Reminder.objects.filter(
            kind=reminder.kind, subject_key=key, due_on=reminder.due_on, offset_days=reminder.offset_days
        )
        if same.exists():
            merge.drop(reminder)
        else:
            merge.move(reminder, relation.field, subject_key=key)


def _move_family(merge: _Merge, relation: relations.PersonRelation) -> None:
    if relation.field.name != "person":
        return  # both directions are handled together, from the `person` side
    keep, gone = merge.keep, merge.gone
    links = FamilyLink.objects.select_for_update().filter(Q(person=gone) | Q(relative=gone)).order_by("pk")
    for link in list(links):
        if {link.person_id, link.relative_id} == {keep.pk, gone.pk}:
            merge.drop(link)  # a link between the two records of one person
            continue
        person_id = keep.pk if link.person_id == gone.pk else link.person_id
        relative_id = keep.pk if link.relative_id == gone.pk else link.relative_id
        existing = FamilyLink.objects.filter(
            person_id=person_id, relative_id=relative_id, relation=link.relation
        ).first()
        if existing is None:
            merge.changes.updating(link)
            link.person_id, link.relative_id = person_id, relative_id
            save_with_history(link, merge.actor, reason=merge.reason)
            merge.count(merge.moved, link)
            continue
        if link.is_verified and not existing.is_verified:
            merge.changes.updating(existing)
            existing.is_verified = True
            save_with_history(existing, merge.actor, reason=merge.reason)
        merge.drop(link)


_MOVERS = {
    relations.MOVE: _move_plain,
    relations.CUSTODY: _move_plain,  # overlaps were refused before
    relations.CLAIM: _move_claims,
    relations.ALIAS: _move_aliases,
    relations.REMINDER: _move_reminders,
    relations.FAMILY: _move_family,
}


def _add_names_as_aliases(merge: _Merge, names: Iterable[tuple[str, str]]) -> list[str]:
    """Each full name not the survivor's own (any more) becomes an alias of the survivor; the names added."""
    keep = merge.keep
    current = {Script.LATIN: keep.full_name_lat, Script.ARABIC: keep.full_name_ar}
    added = []
    max_length = Alias._meta.get_field("name").max_length
    for name, script in names:
        name = name[:max_length]
        if not name or name == current[script] or name in added:
            continue
        if Alias.objects.filter(person=keep, name=name).exists():
            continue
        alias = Alias(person=keep, kind=AliasKind.ALIAS, name=name, script=script)
        save_with_history(alias, merge.actor, reason=merge.reason)
        merge.changes.created(alias)
        added.append(name)
    return added


# --- Merge ---------------------------------------------------------------------------------------------


class _DryRun(Exception):
    def __init__(self, merge: PersonMerge) -> None:
        self.merge = merge


def person_merge(
    *,
    survivor: Person,
    other: Person,
    actor: Any,
    from_other: Iterable[str] = (),
    survivor_version: datetime,
    other_version: datetime,
    dry_run: bool = False,
) -> PersonMerge:
    """Merge `other` into `survivor`, taking the fields named in `from_other` from `other`.

    The versions are the `updated_at` of each record when the user's form was built: a record
    changed since refuses the merge (optimistic concurrency). With `dry_run`, everything is done
    and rolled back: the returned (unsaved) `PersonMerge` previews the summary.
    Raises MergeRefused with the reasons, PermissionDenied outside the actor's scope.
    """
    arguments = {
        "survivor": survivor,
        "other": other,
        "actor": actor,
        "from_other": frozenset(from_other),
        "versions": (survivor_version, other_version),
    }
    try:
        with transaction.atomic():
            merge = _merge(**arguments)
            if dry_run:
                raise _DryRun(merge)
            return merge
    except _DryRun as done:
        return done.merge
    except IntegrityError as error:
        # A rule of the database not covered by the checks above (a constraint added later).
        raise MergeRefused([_("The merge would break a rule of the database: %s.") % error]) from error


def _merge(
    *, survivor: Person, other: Person, actor: Any, from_other: frozenset[str], versions: tuple[datetime, datetime]
) -> PersonMerge:
    if not actor.has_perm("people.merge_person"):
        raise PermissionDenied
    if survivor.pk == other.pk:
        raise MergeRefused([_("Choose two different records.")])
    allowed = {field.name for field in mergeable_fields()} - hidden_fields_for(actor, Person)
    if not from_other <= allowed:
        raise ValueError(f"fields that cannot be chosen: {sorted(from_other - allowed)}")
    locked = Person.objects.select_for_update().visible_to(actor).in_bulk([survivor.pk, other.pk])
    if len(locked) != 2:
        raise PermissionDenied
    keep, gone = locked[survivor.pk], locked[other.pk]
    stale = [
        person.case_number
        for person, version in zip((keep, gone), versions, strict=True)
        if person.updated_at != version
    ]
    if stale:
        raise MergeRefused(
            [
                _("Someone else changed %(cases)s since you opened this page. Review the records again.")
                % {"cases": ", ".join(stale)}
            ]
        )
    reasons = merge_refusals(keep, gone)
    if reasons:
        raise MergeRefused(reasons)

    merge = _Merge(keep=keep, gone=gone, actor=actor)
    for relation in relations.moved_relations():
        _MOVERS[relation.policy](merge, relation)

    names = [(gone.full_name_lat, Script.LATIN), (gone.full_name_ar, Script.ARABIC)]
    names += [(keep.full_name_lat, Script.LATIN), (keep.full_name_ar, Script.ARABIC)]
    merge.changes.updating(keep)
    for name in sorted(from_other):
        field = Person._meta.get_field(name)
        setattr(keep, field.attname, getattr(gone, field.attname))
    try:
        keep.full_clean(exclude=["case_number"])
    except ValidationError as error:
        raise MergeRefused([str(message) for message in error.messages]) from error
    save_with_history(keep, actor, reason=merge.reason)
    aliases = _add_names_as_aliases(merge, names)

    # The other record stays as a tombstone; out of its household so that no member count includes it.
    merge.changes.updating(gone)
    gone.merged_into = keep
    gone.household = None
    save_with_history(gone, actor, reason=merge.reason)
    person_name_keys_rebuild(person_ids=[keep.pk, gone.pk])

    record = PersonMerge.objects.create(
        organisation_id=keep.organisation_id,
        survivor=keep,
        merged=gone,
        actor=actor,
        summary={
            "moved": merge.moved,
            "dropped": merge.dropped,
            "aliases": aliases,
            "fields": sorted(from_other),
        },
        changes=merge.changes.finish(),
    )
    audit.record(
        actor=actor,
        action="merging.person.merged",
        target=keep,
        data={"merge": str(record.public_id), "merged": str(gone.public_id)},
    )
    return record


# --- Anonymisation ---------------------------------------------------------------------------------------


def on_persons_anonymised(*, person_ids: Iterable[int], **_kwargs: Any) -> None:
    """Receiver of `casework.core.signals.persons_anonymised` (connected in `MergingConfig.ready`).

    A merge record's replay log and the names its summary lists as added aliases are copies of the
    persons' data: they go with the anonymisation (the merge can then no longer be undone).
    """
    ids = list(person_ids)
    for merge in PersonMerge.objects.select_for_update().filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)):
        merge.changes = []
        merge.summary = {**merge.summary, "aliases": []}
        merge.save(update_fields=["changes", "summary", "updated_at"])


# --- Unmerge -------------------------------------------------------------------------------------------


def unmerge_refusals(merge: PersonMerge) -> list[str]:
    """The rows the merge wrote that changed since (or came back): an unmerge would lose that work."""
    if not merge.changes:
        # Every merge writes rows; an empty log was erased by the anonymisation of a person in it.
        return [
            _(
                "This merge can no longer be undone: its record of the changes was erased when a person in it was anonymised."
            )
        ]
    reasons = []
    by_model: dict[str, list[dict[str, Any]]] = {}
    for entry in merge.changes:
        by_model.setdefault(entry["model"], []).append(entry)
    for label, entries in by_model.items():
        model = apps.get_model(label)
        rows = model._base_manager.in_bulk([entry["pk"] for entry in entries])
        for entry in entries:
            row = rows.get(entry["pk"])
            # A deleted row must still be absent; any other must be as the merge left it.
            changed = row is not None if entry["op"] == "delete" else row is None or _dump(row) != entry["after"]
            if changed:
                reasons.append(
                    _("The %(what)s %(record)s has changed since the merge.")
                    % {"what": model._meta.verbose_name, "record": row if row is not None else entry["pk"]}
                )
    if reasons:
        reasons.append(_("Undo those changes (or later merges) first; nothing was changed."))
    return reasons


def _restore(entry: dict[str, Any], actor: Any, reason: str) -> None:
    model = apps.get_model(entry["model"])
    if entry["op"] == "create":
        delete_with_history(model._base_manager.get(pk=entry["pk"]), actor)
        return
    obj = _build(entry["model"], entry["pk"], entry["before"])
    if entry["op"] == "delete":
        # Inserted as it was (creation time included), then saved once more for a history row with the actor.
        obj.save_base(raw=True)
    save_with_history(obj, actor, reason=reason)


@transaction.atomic
def person_unmerge(*, merge: PersonMerge, actor: Any) -> PersonMerge:
    """Put back every row the merge wrote, in reverse order; refused (MergeRefused) if any changed since."""
    if not actor.has_perm("people.merge_person"):
        raise PermissionDenied
    locked = PersonMerge.objects.select_for_update().visible_to(actor).filter(pk=merge.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.undone_at is not None:
        raise MergeRefused([_("This merge has already been undone.")])
    list(Person.objects.select_for_update().filter(pk__in=[locked.survivor_id, locked.merged_id]))
    reasons = unmerge_refusals(locked)
    if reasons:
        raise MergeRefused(reasons)
    reason = f"unmerge of {locked.merged.case_number} from {locked.survivor.case_number}"
    for entry in reversed(locked.changes):
        _restore(entry, actor, reason)
    person_name_keys_rebuild(person_ids=[locked.survivor_id, locked.merged_id])
    locked.undone_at = timezone.now()
    locked.undone_by = actor
    locked.save(update_fields=["undone_at", "undone_by", "updated_at"])
    audit.record(
        actor=actor,
        action="merging.person.unmerged",
        target=locked.survivor,
        data={"merge": str(locked.public_id), "merged": str(locked.merged.public_id)},
    )
    return locked

"""Undo of a committed batch: the records it created removed, the persons it updated restored to their state
before; refused with the reasons when later work depends on what it wrote. Runs in the worker (`undo_import`).
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import delete_with_history
from casework.imports import checks
from casework.imports.choices import BatchStatus, RowAction
from casework.imports.models import ExternalReference, ImportBatch
from casework.imports.services.common import ROW_CHUNK, hand_to_worker, lock_batch, require
from casework.people.models import (
    Alias,
    CustodyPeriod,
    FamilyLink,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
)
from casework.people.namekeys import person_name_keys_rebuild


def undo_blockers(batch: ImportBatch) -> list[str]:
    """Why the batch cannot be undone: later work that depends on what it wrote (empty if it can)."""
    reasons = []
    rows = list(batch.rows.filter(person__isnull=False).exclude(committed_as="").select_related("person"))
    person_ids = [row.person_id for row in rows]
    case_numbers = {row.person_id: row.person.case_number for row in rows}
    since = batch.committed_at or timezone.now()
    for person_id in (
        Person.objects.filter(pk__in=person_ids, request_memberships__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    ):
        reasons.append(_("%(case)s has since been put on a government request.") % {"case": case_numbers[person_id]})
    for person_id in (
        Person.objects.filter(pk__in=person_ids, handover_memberships__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    ):
        reasons.append(_("%(case)s is on a handover operation.") % {"case": case_numbers[person_id]})
    # Changes by this batch, and by later imports undone since (their change and its undo cancel out).
    ignored = {batch.history_reason}
    for undone in ImportBatch.objects.filter(organisation_id=batch.organisation_id, status=BatchStatus.UNDONE):
        ignored |= {undone.history_reason, f"undo {undone.history_reason}"}
    later = (
        Person.history.filter(id__in=person_ids, history_date__gt=since)
        .exclude(history_change_reason__in=ignored)
        .values_list("id", flat=True)
        .distinct()
    )
    for person_id in later:
        reasons.append(_("%(case)s has been changed since the import.") % {"case": case_numbers[person_id]})
    # Records added by hand to a created person since the import would be lost with it.
    created = [row.person_id for row in rows if row.committed_as == RowAction.CREATE]
    own = {
        kind: {pk for row in rows for pk in row.created_records.get(kind, [])}
        for kind in ("alias", "claim", "document", "custody")
    }
    added: set[int] = set()
    for kind, model in (
        ("alias", Alias),
        ("claim", NationalityClaim),
        ("document", IdentityDocument),
        ("custody", CustodyPeriod),
    ):
        for pk, person_id in model.objects.filter(person_id__in=created).values_list("pk", "person_id"):
            if pk not in own[kind]:
                added.add(person_id)
    for relation in ("dna_tests", "assessments", "screenings"):
        added |= set(
            Person.objects.filter(pk__in=created, **{f"{relation}__isnull": False}).values_list("pk", flat=True)
        )
    for person_id in sorted(added):
        reasons.append(_("%(case)s has records added since the import.") % {"case": case_numbers[person_id]})
    status_moved = (
        Person.objects.filter(pk__in=person_ids, status_changes__created_at__gt=since)
        .values_list("pk", flat=True)
        .distinct()
    )
    for person_id in status_moved:
        reasons.append(
            _("%(case)s has had its case status changed since the import.") % {"case": case_numbers[person_id]}
        )
    return sorted(set(reasons))


def _delete_with_history(model: Any, ids: list[int], actor: Any, reason: str) -> None:
    """Delete the records `ids` of `model` set-based, with one history row each naming `actor` and `reason`.

    The per-object deletion signals write the history rows (one insert each); the actor and reason are
    then set on them in one update, where `delete_with_history` would cost a query or more per record.
    """
    started = timezone.now()
    for start in range(0, len(ids), ROW_CHUNK):
        model.objects.filter(pk__in=ids[start : start + ROW_CHUNK]).delete()
    model.history.filter(id__in=ids, history_type="-", history_user__isnull=True, history_date__gte=started).update(
        history_user=actor, history_change_reason=reason
    )


@transaction.atomic
def batch_queue_undo(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Hand a committed batch to the worker for its undo (refused now, with the reasons, if work depends on it)."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status != BatchStatus.COMMITTED:
        raise DomainError(_("Only a committed import can be undone."))
    blockers = undo_blockers(locked)
    if blockers:
        raise DomainError(_("This import cannot be undone: %(reasons)s") % {"reasons": " ".join(blockers)})
    from casework.imports.tasks import undo_import

    return hand_to_worker(locked, BatchStatus.UNDOING, undo_import, actor)


@transaction.atomic(durable=True)
def batch_undo(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Remove the persons a batch created and restore those it updated; refused with reasons if work depends on them."""
    require(actor)
    locked = lock_batch(batch, actor)
    if locked.status not in (BatchStatus.COMMITTED, BatchStatus.UNDOING):
        raise DomainError(_("Only a committed import can be undone."))
    blockers = undo_blockers(locked)
    if blockers:
        raise DomainError(_("This import cannot be undone: %(reasons)s") % {"reasons": " ".join(blockers)})
    rows = list(locked.rows.filter(person__isnull=False).exclude(committed_as="").order_by("-number"))
    created = [row.person_id for row in rows if row.committed_as == RowAction.CREATE]
    updated = {row.person_id: row for row in rows if row.committed_as == RowAction.UPDATE}
    persons = Person.objects.select_for_update().in_bulk([row.person_id for row in rows])
    reason = f"undo {locked.history_reason}"
    # Records the batch added (to persons it created or updated), then the persons it created.
    models = {
        "alias": Alias,
        "claim": NationalityClaim,
        "document": IdentityDocument,
        "family_link": FamilyLink,
        "custody": CustodyPeriod,
    }
    for kind, model in models.items():
        ids = [pk for row in rows for pk in row.created_records.get(kind, [])]
        if kind == "family_link":
            # Links between created persons and others (written later, or by this batch): both directions.
            ids += list(
                FamilyLink.objects.filter(Q(person_id__in=created) | Q(relative_id__in=created)).values_list(
                    "pk", flat=True
                )
            )
        _delete_with_history(model, ids, actor, reason)
    ExternalReference.objects.filter(
        pk__in=[pk for row in rows for pk in row.created_records.get("external_reference", [])]
    ).delete()
    _delete_with_history(Person, created, actor, reason)
    restored = []
    now = timezone.now()
    for person_id, row in updated.items():
        person = persons[person_id]
        checks.restore_person(person, row.before)
        # bulk_update() leaves `auto_now` alone: a new version, so that an edit page opened before is refused.
        person.updated_at = now
        restored.append(person)
    if restored:
        bulk_update_with_history(
            restored,
            Person,
            checks.PERSON_UPDATE_FIELDS,
            default_user=actor,
            default_change_reason=reason,
        )
        # Their names, and the aliases the batch added, are back as before: so is the matcher's index.
        person_name_keys_rebuild(person_ids=list(updated))
    household_ids = [pk for row in rows for pk in row.created_records.get("household", [])]
    for household in Household.objects.filter(pk__in=household_ids, members__isnull=True):
        delete_with_history(household, actor)
    locked.status = BatchStatus.UNDONE
    locked.undone_at = timezone.now()
    locked.save(update_fields=["status", "undone_at", "updated_at"])
    audit.record(
        actor=actor,
        action="imports.batch.undone",
        target=locked,
        data={"removed": len(created), "restored": len(restored)},
    )
    return locked

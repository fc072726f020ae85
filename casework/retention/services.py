"""Retention: listing closed cases past their period, the two-person decision, and anonymisation.

Anonymisation is irreversible. It keeps the person row with what the reports count (organisation,
status and closure reason, sex, year of birth, nationality claims, custody facilities and dates,
requests and decisions, household and family links) and removes everything that identifies the
person or is highly sensitive: names, aliases, place and exact date of birth, photo, identity
documents and their files, screenings, DNA tests, assessments and their files, L3 values, free-text
notes, the matching keys, import rows and external ids, and every history row of all of these.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.signals import persons_anonymised_send
from casework.imports.models import ExternalReference, ImportRow
from casework.legal.models import Hearing, LegalProceeding
from casework.people import models as people_models
from casework.people.choices import CaseStatus, DatePrecision
from casework.people.models import Person
from casework.people.models.namekey import PersonNameKey
from casework.retention.models import RetentionPolicy, RetentionReview, ReviewStatus
from casework.screenings.models import CustodyEntry, Screening

APPROVE_PERMISSION = "retention.approve_anonymisation"

# Person fields emptied: names, derived search text, place of birth, L3 text and the photo.
_PERSON_CLEARED: dict[str, Any] = {
    "given_name_ar": "",
    "father_name_ar": "",
    "grandfather_name_ar": "",
    "family_name_ar": "",
    "given_name_lat": "",
    "father_name_lat": "",
    "grandfather_name_lat": "",
    "family_name_lat": "",
    "name_search": "",
    "place_of_birth": "",
    "languages": [],
    "health_notes": "",
    "child_protection_notes": "",
    "has_disability": False,
    "has_medical_condition": False,
    "medical_urgent": False,
    "photo": "",
}
# Records deleted whole (with their history): they identify the person or are L3 throughout.
# Hearings before their proceedings (each with its own history rows).
_DELETED: tuple[type[models.Model], ...] = (
    people_models.Alias,
    people_models.IdentityDocument,
    Screening,
    people_models.DnaTest,
    people_models.Assessment,
    Hearing,
    LegalProceeding,
)
# Records kept for the counts, with their free text and L3 values emptied (history removed).
_KEPT_CLEARED: tuple[tuple[type[models.Model], dict[str, Any]], ...] = (
    (people_models.CustodyPeriod, {"exact_location": "", "notes": ""}),
    (people_models.NationalityClaim, {"notes": ""}),
    (people_models.FamilyLink, {"notes": ""}),
    (CustodyEntry, {"notes": ""}),
    (
        people_models.JourneyToSyria,
        {"minor_indicator": False, "coercion_indicator": False, "trafficking_indicator": False, "indicator_notes": ""},
    ),
    (people_models.ReturnAssessment, {"risk_grounds": ""}),
)


# --- Listing ------------------------------------------------------------------------------------


def _due_condition(policies: list[RetentionPolicy], now: Any) -> Q | None:
    """Closed cases of one organisation whose policy's period has run out."""
    specific = [p for p in policies if p.closure_reason]
    default = next((p for p in policies if not p.closure_reason), None)
    condition = None
    for policy in specific:
        part = Q(
            closure_reason=policy.closure_reason, status_changed_at__lte=now - timedelta(days=policy.retention_days)
        )
        condition = part if condition is None else condition | part
    if default is not None:
        part = ~Q(closure_reason__in=[p.closure_reason for p in specific]) & Q(
            status_changed_at__lte=now - timedelta(days=default.retention_days)
        )
        condition = part if condition is None else condition | part
    return condition


@transaction.atomic
def retention_list_due(*, now: datetime | None = None) -> int:
    """Open a review for every closed case past its retention period that has none yet; returns how many.

    A case with a review in any state (open, kept, anonymised) is not listed again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_organisation: dict[int, list[RetentionPolicy]] = {}
    for policy in RetentionPolicy.objects.order_by("organisation_id", "closure_reason"):
        by_organisation.setdefault(policy.organisation_id, []).append(policy)
    reviews = []
    for organisation_id, policies in by_organisation.items():
        condition = _due_condition(policies, now)
        persons = (
            Person.objects.filter(organisation_id=organisation_id, status=CaseStatus.CLOSED)
            .filter(condition)
            .exclude(retention_reviews__isnull=False)
            .values_list("pk", flat=True)
        )
        reviews += [RetentionReview(organisation_id=organisation_id, person_id=pk, due_on=today) for pk in persons]
    created = RetentionReview.objects.bulk_create(reviews)
    if created:
        audit.record_many(actor=None, action="retention.review.listed", targets=[(r, {}) for r in created])
    return len(created)


# --- The two-person decision --------------------------------------------------------------------


def _locked_review(review: RetentionReview, actor: Any) -> RetentionReview:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    locked = RetentionReview.objects.visible_to(actor).select_for_update().filter(pk=review.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def _move(review: RetentionReview, status: str, *, actor: Any, stamp: str, action: str) -> None:
    """Move the (locked) review to `status`, stamp `<stamp>_by` and `<stamp>_at`, save it and audit `action`."""
    if not review.can_move_to(status):
        raise TransitionNotAllowed(current=review.status, requested=status, labels=ReviewStatus)
    review.status = status
    setattr(review, f"{stamp}_by", actor)
    setattr(review, f"{stamp}_at", timezone.now())
    review.save(update_fields=["status", f"{stamp}_by", f"{stamp}_at", "updated_at"])
    audit.record(actor=actor, action=action, target=review)


@transaction.atomic
def retention_approve(*, review: RetentionReview, actor: Any) -> RetentionReview:
    """First person: a supervisor agrees that the case be anonymised."""
    review = _locked_review(review, actor)
    _move(review, ReviewStatus.APPROVED, actor=actor, stamp="approved", action="retention.review.approved")
    return review


@transaction.atomic
def retention_confirm(*, review: RetentionReview, actor: Any) -> RetentionReview:
    """Second person (not the one who approved): confirms, and the case is anonymised at once."""
    review = _locked_review(review, actor)
    if review.approved_by_id == actor.pk:
        raise DomainError(_("The anonymisation must be confirmed by someone other than the person who approved it."))
    _move(review, ReviewStatus.ANONYMISED, actor=actor, stamp="decided", action="retention.review.confirmed")
    person_anonymise(person=review.person, actor=actor)
    return review


@transaction.atomic
def retention_keep(*, review: RetentionReview, actor: Any) -> RetentionReview:
    """Keep the case (e.g. proceedings still open): the review closes and the case is not listed again."""
    review = _locked_review(review, actor)
    _move(review, ReviewStatus.KEPT, actor=actor, stamp="decided", action="retention.review.kept")
    return review


# --- Anonymisation ------------------------------------------------------------------------------


def _stored_files(person: Person, tombstones: list[Person]) -> list[tuple[Any, str]]:
    """(storage, name) of every file of the person: photos (theirs and their tombstones'), document copies,
    assessment documents."""
    files = []
    for row in (person, *tombstones):
        if row.photo:
            files.append((row.photo.storage, row.photo.name))
    for document in people_models.IdentityDocument.objects.filter(person=person).exclude(file=""):
        files.append((document.file.storage, document.file.name))
    for assessment in people_models.Assessment.objects.filter(person=person).exclude(document=""):
        files.append((assessment.document.storage, assessment.document.name))
    return files


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def _purge_history(model: type[models.Model], **lookup: Any) -> int:
    return model.history.model.objects.filter(**lookup)._raw_delete(model.history.model.objects.db)


def _clear_person(person: Person, *, now: datetime) -> int:
    """Empty the person row's identifying and L3 fields (the year of birth stays); its history rows removed."""
    birth = {}
    if person.birth_date is not None:
        # The year stays (age bands); the day and month go.
        year = person.birth_date.year
        birth = {
            "birth_date": date(year, 1, 1),
            "birth_date_precision": DatePrecision.YEAR,
            "birth_date_earliest": date(year, 1, 1),
            "birth_date_latest": date(year, 12, 31),
        }
    Person.objects.filter(pk=person.pk).update(**_PERSON_CLEARED, **birth, updated_at=now)
    return _purge_history(Person, id=person.pk)


@transaction.atomic
def person_anonymise(*, person: Person, actor: Any) -> dict[str, int]:
    """Remove what identifies `person` and their L3 data, for good; keep the counts. Safe to run twice.

    Set-based writes (no history rows, no per-row signals); files are deleted once the transaction
    has committed, so a rollback leaves them in place.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    # Records merged into the person stay as tombstones with their own names: they go the same way.
    tombstones = list(Person.objects.select_for_update().filter(merged_into=person.pk).order_by("pk"))
    files = _stored_files(person, tombstones)
    removed: dict[str, int] = {}
    for model in _DELETED:
        # The ORM's delete (cascades, history rows), then the history rows go, the deletion's included.
        removed[model._meta.model_name] = (
            model.objects.filter(person_id=person.pk).delete()[1].get(model._meta.label, 0)
        )
        _purge_history(model, person_id=person.pk)
    # `update()` leaves `auto_now` alone: the new `updated_at` makes an edit page opened before refuse to
    # write the old values back (optimistic concurrency).
    now = timezone.now()
    for model, cleared in _KEPT_CLEARED:
        model.objects.filter(person_id=person.pk).update(**cleared, updated_at=now)
        _purge_history(model, person_id=person.pk)
    people_models.PersonStatusChange.objects.filter(person_id=person.pk).update(note="")
    PersonNameKey.objects.filter(person_id=person.pk).delete()
    ExternalReference.objects.filter(person_id=person.pk).delete()
    ImportRow.objects.filter(Q(person_id=person.pk) | Q(decision_person_id=person.pk)).update(
        values={}, changes={}, before={}, duplicates={}, warnings=[], errors=[]
    )
    PersonNameKey.objects.filter(person_id__in=[row.pk for row in tombstones]).delete()
    removed["person_history"] = sum(_clear_person(row, now=now) for row in (person, *tombstones))
    persons_anonymised_send(person_ids=[person.pk, *(row.pk for row in tombstones)])
    removed["files"] = len(files)
    transaction.on_commit(lambda: _delete_files(files))
    audit.record(actor=actor, action="retention.person.anonymised", target=person, data={"removed": removed})
    return removed

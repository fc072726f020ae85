"""Writes of the matching app: a reviewer's decision about a pair of possible duplicates."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.matching.choices import PairStatus
from casework.matching.duplicates import current_fingerprint
from casework.matching.models import DuplicatePair

REVIEW_PERMISSION = "matching.review_duplicates"
DECISIONS = (PairStatus.SAME, PairStatus.DIFFERENT, PairStatus.UNSURE)


@transaction.atomic
def duplicate_pair_decide(*, pair: DuplicatePair, decision: str, actor: Any, note: str = "") -> DuplicatePair:
    """Record `decision` (same person, different people, not sure) about the pair, with a note.

    The fingerprint of both records is taken now: the decision holds until one of them changes
    its names or birth date. "Not sure" keeps the pair in the queue and needs a note.
    """
    if not actor.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    locked = DuplicatePair.objects.visible_to(actor).select_for_update().filter(pk=pair.pk).first()
    if locked is None:
        raise PermissionDenied
    if decision not in DECISIONS:
        raise DomainError(_("Unknown decision."))
    note = note.strip()
    if decision == PairStatus.UNSURE and not note:
        raise DomainError(_("Say in a note what is unclear, for the next reviewer."))
    old = locked.status
    locked.status = decision
    locked.note = note
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.previous_status = ""
    locked.fingerprint = current_fingerprint(locked)
    locked.save()
    audit.record(
        actor=actor,
        target=locked,
        action="matching.duplicate_pair.decided",
        data={"from": old, "to": decision, "persons": [str(locked.person_a.public_id), str(locked.person_b.public_id)]},
    )
    return locked

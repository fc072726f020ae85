"""What the request services share: the locked, scoped request; the persons check; a status move."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.history import save_with_history
from casework.govrequests.choices import DECISION_STATUSES, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestStatusChange
from casework.people.models import Person


def lock_visible_request(gov_request: GovernmentRequest, actor: Any) -> GovernmentRequest:
    """The request's row, locked, or PermissionDenied if the actor cannot see it."""
    if not GovernmentRequest.objects.visible_to(actor).filter(pk=gov_request.pk).exists():
        raise PermissionDenied
    return GovernmentRequest.objects.select_for_update().get(pk=gov_request.pk)


def check_persons(persons: Iterable[Person], *, organisation_id: int, actor: Any) -> list[Person]:
    """The persons, refused unless all are visible to the actor and belong to the request's organisation."""
    persons = list(persons)
    ids = {p.pk for p in persons}
    visible = set(Person.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if visible != ids:
        raise PermissionDenied
    if any(p.organisation_id != organisation_id for p in persons):
        raise DomainError(_("A request can only cover persons of its own organisation."))
    return persons


def apply_transition(locked: GovernmentRequest, *, to: str, actor: Any, note: str, on: date | None) -> None:
    """Move an already-locked request; the caller holds the transaction."""
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=RequestStatus)
    if to in DECISION_STATUSES and not actor.has_perm("govrequests.decide_request"):
        raise PermissionDenied
    blocker = locked.transition_blocker(to)
    if blocker:
        raise TransitionNotAllowed(current=locked.status, requested=to, reason=blocker, labels=RequestStatus)
    day = on or timezone.localdate()
    old = locked.status
    locked.status = to
    locked.status_changed_at = timezone.now()
    if to == RequestStatus.SUBMITTED and locked.submitted_on is None:
        locked.submitted_on = day
    if to == RequestStatus.ACKNOWLEDGED and locked.acknowledged_on is None:
        locked.acknowledged_on = day
    if to in DECISION_STATUSES:
        locked.decided_on = day
    locked.full_clean()
    save_with_history(locked, actor, reason=note)
    RequestStatusChange.objects.create(request=locked, old_status=old, new_status=to, actor=actor, note=note)
    audit.record(actor=actor, action="govrequests.request.status_changed", target=locked, data={"from": old, "to": to})

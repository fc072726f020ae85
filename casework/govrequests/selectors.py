"""Reads about government requests for the caseworker interface.

Terms: a request is *overdue* when the State is late by the organisation's default clock:
not acknowledged 14 days after it was sent, no decision 60 days after acknowledgement, or
its answer due date has passed. (Per-organisation and per-State intervals come with the
reminders app; these are the domain brief's defaults.)
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, RequestStatus
from casework.govrequests.models import GovernmentRequest

ACKNOWLEDGEMENT_DAYS = 14
DECISION_DAYS = 60


def overdue_requests(*, user: Any, today: date | None = None, limit: int = 20) -> QuerySet[GovernmentRequest]:
    """Requests of the user's scope awaiting an answer past their dates, the oldest first.

    Each row is annotated with `person_count`; `overdue_reasons` tells why it is listed.
    """
    today = today or timezone.localdate()
    not_acknowledged = Q(
        acknowledged_on__isnull=True,
        submitted_on__isnull=False,
        submitted_on__lt=today - timedelta(days=ACKNOWLEDGEMENT_DAYS),
    )
    no_decision = Q(decided_on__isnull=True, acknowledged_on__lt=today - timedelta(days=DECISION_DAYS))
    past_due = Q(answer_due_on__lt=today)
    return (
        GovernmentRequest.objects.visible_to(user)
        .filter(status__in=AWAITING_ANSWER_STATUSES)
        .exclude(status=RequestStatus.DRAFT)
        .filter(not_acknowledged | no_decision | past_due)
        .select_related("authority")
        .annotate(person_count=Count("covered"))
        .order_by("submitted_on", "reference")[:limit]
    )


def overdue_reasons(gov_request: GovernmentRequest, *, today: date | None = None) -> list[str]:
    """Why a request from `overdue_requests` is listed: keys `acknowledgement`, `decision`, `due_date`."""
    today = today or timezone.localdate()
    reasons = []
    if (
        gov_request.acknowledged_on is None
        and gov_request.submitted_on
        and gov_request.submitted_on < today - timedelta(days=ACKNOWLEDGEMENT_DAYS)
    ):
        reasons.append("acknowledgement")
    if (
        gov_request.decided_on is None
        and gov_request.acknowledged_on
        and gov_request.acknowledged_on < today - timedelta(days=DECISION_DAYS)
    ):
        reasons.append("decision")
    if gov_request.answer_due_on and gov_request.answer_due_on < today:
        reasons.append("due_date")
    return reasons

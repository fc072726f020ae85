"""Reads about government requests for the caseworker interface.

Terms: a request is *overdue* when the State is late by the organisation's default clock:
not acknowledged 14 days after it was sent, no decision 60 days after acknowledgement, or
its answer due date has passed. (Per-organisation and per-State intervals come with the
reminders app; these are the domain brief's defaults.)
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson, RequestEvent, RequestStatusChange
from casework.people.models import FamilyLink, NationalityClaim, Person

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


def recent_request_changes(*, user: Any, limit: int = 10) -> QuerySet[RequestStatusChange]:
    """The latest status changes of visible requests that cover a case assigned to the user."""
    mine = RequestedPerson.objects.filter(person__assigned_to_id=user.pk).values("request_id")
    return (
        RequestStatusChange.objects.visible_to(user)
        .filter(request_id__in=mine)
        .select_related("request", "actor")
        .order_by("-created_at", "-pk")[:limit]
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


# --- Caseworker pages: list, detail, deadline clock, person picker -----------------------------

# Keyset ordering of the request list: newest draft first, the primary key as the unique last key.
REQUEST_LIST_ORDERING = ("-drafted_on", "-id")


def overdue_condition(*, today: date) -> Q:
    """Requests a State still owes an answer on and is late with, by the default clock (see module docstring)."""
    not_acknowledged = Q(
        acknowledged_on__isnull=True,
        submitted_on__isnull=False,
        submitted_on__lt=today - timedelta(days=ACKNOWLEDGEMENT_DAYS),
    )
    no_decision = Q(decided_on__isnull=True, acknowledged_on__lt=today - timedelta(days=DECISION_DAYS))
    past_due = Q(answer_due_on__lt=today)
    return Q(status__in=AWAITING_ANSWER_STATUSES) & (not_acknowledged | no_decision | past_due)


def request_list_base(*, user: Any) -> QuerySet[GovernmentRequest]:
    """The requests the user may see, without filters or row data (also the keyset boundary lookup)."""
    return GovernmentRequest.objects.visible_to(user)


def request_list_rows(queryset: QuerySet[GovernmentRequest]) -> QuerySet[GovernmentRequest]:
    """`queryset` with what each row of the list shows, in one query: the authority and `person_count`."""
    return queryset.select_related("authority").annotate(person_count=Count("covered"))


def request_detail_queryset(*, user: Any) -> QuerySet[GovernmentRequest]:
    """Requests the user may see, with everything the detail page shows prefetched.

    Events and status changes come oldest first (the page reads them chronologically).
    """
    return (
        GovernmentRequest.objects.visible_to(user)
        .select_related("authority", "created_by")
        .prefetch_related(
            Prefetch(
                "covered",
                queryset=RequestedPerson.objects.select_related("person").order_by("person__case_number", "pk"),
            ),
            Prefetch(
                "events",
                queryset=RequestEvent.objects.select_related("created_by").order_by("occurred_on", "pk"),
            ),
            Prefetch(
                "status_changes",
                queryset=RequestStatusChange.objects.select_related("actor").order_by("created_at", "pk"),
            ),
        )
    )


def request_summary_rows(*, gov_request: GovernmentRequest, user: Any) -> list[RequestedPerson]:
    """The covered persons the user may see, for the printable summary, in one query plus one prefetch.

    Each person gets `state_claims`: their nationality claims towards the request's State only, so
    that the summary tells the authority nothing about other nationalities claimed.
    """
    claims = NationalityClaim.objects.filter(country=gov_request.authority.country)
    return list(
        RequestedPerson.objects.visible_to(user)
        .filter(request=gov_request)
        .select_related("person")
        .prefetch_related(Prefetch("person__nationality_claims", queryset=claims, to_attr="state_claims"))
        .order_by("person__case_number", "pk")
    )


@dataclass(frozen=True)
class DeadlineClock:
    """How long a request has been with the State and what it is due next.

    `days_since_sent` runs while an answer is awaited (None before it is sent); `next_due_on` is the
    nearest of: acknowledgement due (sent + 14 days), decision due (acknowledged + 60 days) and the
    answer due date; `days_left` is negative once it has passed.
    """

    running: bool
    days_since_sent: int | None
    next_due_on: date | None
    next_due_kind: str
    days_left: int | None
    overdue_reasons: tuple[str, ...]

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_reasons)

    @property
    def days_overdue(self) -> int:
        """How many days the next due date has passed (0 while it has not)."""
        return max(0, -(self.days_left or 0))


def deadline_clock(gov_request: GovernmentRequest, *, today: date | None = None) -> DeadlineClock:
    """The deadline clock of one request, from its own dates (no query)."""
    today = today or timezone.localdate()
    running = gov_request.status in AWAITING_ANSWER_STATUSES
    sent = gov_request.submitted_on
    if not running or sent is None:
        return DeadlineClock(
            running=False,
            days_since_sent=None,
            next_due_on=None,
            next_due_kind="",
            days_left=None,
            overdue_reasons=(),
        )
    candidates: list[tuple[date, str]] = []
    if gov_request.acknowledged_on is None:
        candidates.append((sent + timedelta(days=ACKNOWLEDGEMENT_DAYS), "acknowledgement"))
    elif gov_request.decided_on is None:
        candidates.append((gov_request.acknowledged_on + timedelta(days=DECISION_DAYS), "decision"))
    if gov_request.answer_due_on:
        candidates.append((gov_request.answer_due_on, "due_date"))
    next_due_on, next_due_kind = min(candidates) if candidates else (None, "")
    return DeadlineClock(
        running=True,
        days_since_sent=(today - sent).days,
        next_due_on=next_due_on,
        next_due_kind=next_due_kind,
        days_left=(next_due_on - today).days if next_due_on else None,
        overdue_reasons=tuple(overdue_reasons(gov_request, today=today)),
    )


# The person picker of the request form shows at most this many search results.
PERSON_PICKER_LIMIT = 50


def persons_by_public_id(*, user: Any, public_ids: Iterable[Any]) -> list[Person]:
    """The persons among `public_ids` that the user may see (others are silently left out), by case number."""
    ids = [str(public_id) for public_id in public_ids]
    if not ids:
        return []
    return list(Person.objects.visible_to(user).filter(public_id__in=ids).order_by("case_number"))


def household_members(*, user: Any, persons: Iterable[Person]) -> list[Person]:
    """Visible family of `persons`, by case number, in one query: who shares a household with any of them
    (including them) or is recorded as their relative (a family link), e.g. a mother's children."""
    persons = list(persons)
    household_ids = {person.household_id for person in persons if person.household_id}
    if not persons:
        return []
    relatives = FamilyLink.objects.filter(person_id__in=[person.pk for person in persons]).values("relative_id")
    return list(
        Person.objects.visible_to(user)
        .filter(Q(household_id__in=household_ids) | Q(pk__in=relatives))
        .order_by("case_number")
    )

"""The dashboard's aggregates, counted live over a set of persons: codes and numbers, no labels.

Terms: *persons in scope* are the persons given (`Person.objects.visible_to(user)` narrowed by the
dashboard's filters, or one organisation's slice for the nightly summary); every count is of them
only. The *period* is a range of whole months (`start` to `end`, inclusive). A person *waits* on a
State when they are covered, still without a decision, by a request the State owes an answer on;
the request is *overdue* by `govrequests.selectors.overdue_condition`. The caseload by status at
the end of a month is derived from the case status history: each person's first status (the `from`
of their first change, or their status if it never changed) from the month they were registered,
then every change. A *split family* is a request that would separate a child from a parent or
sibling in the camps, by `govrequests.family_unity` (the one home of that rule).

Only counts, codes and dates: never a name, case number or sensitive (L3) field.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from casework.core.dates import anniversary
from casework.govrequests import family_unity
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, Decision, HandoverStatus
from casework.govrequests.family_unity import ADULT_AGE
from casework.govrequests.models import GovernmentRequest, HandoverPerson, RequestedPerson
from casework.govrequests.selectors import overdue_condition
from casework.people.choices import CaseStatus
from casework.people.models import NationalityClaim, Person, PersonStatusChange
from casework.policies.selectors import age_limits

DECIDED = (Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED, Decision.REFUSED)
CLOSED_CASES = (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.REPATRIATED)


def next_month(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Period:
    start: date  # first day of the first month
    end: date  # last day of the last month (or a day within it)

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months


def default_period(today: date) -> Period:
    """The last twelve months, this one included."""
    start = today.replace(day=1)
    for _i in range(11):
        start = previous_month(start)
    return Period(start=start, end=today)


def month_of(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _nested() -> defaultdict[str, int]:
    return defaultdict(int)


@dataclass
class Counts:
    """Every aggregate of the dashboard, keyed by codes (status, decision, ISO country, first of month)."""

    stock: dict[date, dict[str, int]] = field(default_factory=dict)  # persons per status at each month's end
    waiting: dict[str, tuple[int, int]] = field(default_factory=dict)  # State: (waiting, on an overdue request)
    delays: dict[tuple[str, date], list[int]] = field(default_factory=dict)  # (State, month): days of each request
    decisions: dict[tuple[str, date], dict[str, int]] = field(default_factory=dict)  # (State, month): decision: n
    handed: dict[date, int] = field(default_factory=dict)  # persons handed over per month
    repatriated: dict[date, int] = field(default_factory=dict)  # cases moved to repatriated per month
    coming_of_age: dict[str, tuple[int, int]] = field(default_factory=dict)  # State ("": none): (18, limit)
    split_families: int = 0


def caseload_flows(persons: QuerySet[Person], since: date) -> tuple[dict[str, int], dict[date, dict[str, int]]]:
    """The persons per status now, and what each month from `since` brought to them (four queries).

    A month's flow is its status changes (out of the old status, into the new), and its
    registrations by first status. A person's first status is their status now undone by their
    changes, so a month's registrations by first status are its registered persons by status now,
    less what their changes brought in and plus what they took out. No query per person.
    """
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    now: dict[str, int] = dict(persons.values_list("status").annotate(n=Count("pk")))
    flows: dict[date, dict[str, int]] = defaultdict(_nested)
    registered = (
        persons.filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "status")
        .annotate(n=Count("pk"))
    )
    for month, status, n in registered:
        flows[month_of(month)][status] += n
    in_scope = PersonStatusChange.objects.filter(person__in=persons.values("pk")).order_by()
    changes = (
        in_scope.filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(n=Count("pk"))
    )
    for month, old, new, n in changes:
        flows[month_of(month)][old] -= n
        flows[month_of(month)][new] += n
    undone = (
        in_scope.filter(person__created_at__gte=start)
        .annotate(month=TruncMonth("person__created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(n=Count("pk"))
    )
    for month, old, new, n in undone:
        flows[month_of(month)][old] += n
        flows[month_of(month)][new] -= n
    return now, {month: dict(by_status) for month, by_status in flows.items()}


def walk_back(now: dict[str, int], flows: dict[date, dict[str, int]], period: Period) -> dict[date, dict[str, int]]:
    """Persons per status at the end of each month of the period, walked back from the statuses now.

    The stock at the end of a month is today's, less what every later month brought. `flows` must
    hold every month from the period's start on (earlier ones are not read); a month after the
    last flow keeps the stock of now.
    """
    stock: dict[str, int] = defaultdict(int, now)
    months = period.months()
    for month in sorted((m for m in flows if m > months[-1]), reverse=True):
        for status, n in flows[month].items():
            stock[status] -= n
    result = {}
    for month in reversed(months):
        result[month] = {status: stock[status] for status in CaseStatus.values if stock[status]}
        for status, n in flows.get(month, {}).items():
            stock[status] -= n
    return dict(sorted(result.items()))


def caseload_stock(persons: QuerySet[Person], period: Period) -> dict[date, dict[str, int]]:
    """Persons per status at the end of each month of the period (four queries, none per person)."""
    return walk_back(*caseload_flows(persons, period.start), period)


def waiting_by_state(persons: QuerySet[Person], today: date) -> dict[str, tuple[int, int]]:
    """Persons waiting on each State's answer, and how many of them on an overdue request (one query).

    Read from the persons' pending places on awaiting requests (not from every awaiting request):
    a small scope, such as an assigned-only user's cases, reads only its own.
    """
    overdue = GovernmentRequest.objects.filter(overdue_condition(today=today), pk=OuterRef("request_id"))
    counts = (
        RequestedPerson.objects.filter(
            person__in=persons.values("pk"), decision=Decision.PENDING, request__status__in=AWAITING_ANSWER_STATUSES
        )
        .order_by()
        .values_list("request__authority__country")
        .annotate(n=Count("person", distinct=True), late=Count("person", filter=Q(Exists(overdue)), distinct=True))
    )
    return {str(country): (n, late) for country, n, late in counts if n}


def days_to_decision(persons: QuerySet[Person], period: Period) -> dict[tuple[str, date], list[int]]:
    """Days from a request's sending to its decision, per State and month of decision (one query).

    Requests decided in the period that cover a person in scope; the percentiles are computed from
    these (see `figures`), the same on SQLite and PostgreSQL.
    """
    decided = (
        GovernmentRequest.objects.filter(
            submitted_on__isnull=False,
            decided_on__gte=period.start,
            decided_on__lte=period.end,
            pk__in=RequestedPerson.objects.filter(person__in=persons.values("pk")).values("request_id"),
        )
        .order_by()
        .values_list("authority__country", "submitted_on", "decided_on")
    )
    by_state: dict[tuple[str, date], list[int]] = defaultdict(list)
    for country, sent, decided_on in decided:
        by_state[(str(country), decided_on.replace(day=1))].append((decided_on - sent).days)
    return dict(by_state)


def decisions_by_month(persons: QuerySet[Person], period: Period) -> dict[tuple[str, date], dict[str, int]]:
    """Decisions on persons in scope per State, month and decision (one query)."""
    counts = (
        RequestedPerson.objects.filter(
            person__in=persons.values("pk"),
            decision__in=DECIDED,
            decided_on__gte=period.start,
            decided_on__lte=period.end,
        )
        .order_by()
        .annotate(month=TruncMonth("decided_on"))
        .values_list("request__authority__country", "month", "decision")
        .annotate(n=Count("pk"))
    )
    per_state: dict[tuple[str, date], dict[str, int]] = defaultdict(_nested)
    for country, month, decision, n in counts:
        per_state[(str(country), month_of(month))][decision] += n
    return {key: dict(value) for key, value in per_state.items()}


def departures_by_month(persons: QuerySet[Person], period: Period) -> tuple[dict[date, int], dict[date, int]]:
    """Persons handed over (completed operations) and cases moved to repatriated, per month (two queries)."""
    handed = (
        HandoverPerson.objects.filter(
            person__in=persons.values("pk"),
            handed_over=True,
            operation__status=HandoverStatus.COMPLETED,
            operation__planned_on__gte=period.start,
            operation__planned_on__lte=period.end,
        )
        .order_by()
        .annotate(month=TruncMonth("operation__planned_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(period.end, datetime.max.time()))
    repatriated = (
        PersonStatusChange.objects.filter(
            person__in=persons.values("pk"),
            new_status=CaseStatus.REPATRIATED,
            created_at__gte=start,
            created_at__lte=end,
        )
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return {month_of(m): n for m, n in handed}, {month_of(m): n for m, n in repatriated}


def coming_of_age_conditions(today: date) -> tuple[Q, Q, Q]:
    """On nationality claims: the person turns 18, or reaches the claim's State's age limit, in the
    next 12 months; and on persons: the person turns 18 then (one query: the age limits)."""
    in_a_year = anniversary(today, 1)

    def turning(age: int, prefix: str = "") -> Q:
        return Q(
            **{
                f"{prefix}birth_date_earliest__gt": anniversary(today, -age),
                f"{prefix}birth_date_earliest__lte": anniversary(in_a_year, -age),
            }
        )

    reaching_limit = age_limits(on=today).as_filter(
        organisation="person__organisation_id", country="country", reaching=lambda age: turning(age, "person__")
    )
    return turning(ADULT_AGE, "person__"), reaching_limit, turning(ADULT_AGE)


def open_children(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons whose coming of age is counted: alive, with an open case."""
    return persons.exclude(status__in=CLOSED_CASES).filter(date_of_death__isnull=True)


def coming_of_age(persons: QuerySet[Person], today: date) -> dict[str, tuple[int, int]]:
    """Per main nationality: children turning 18, and reaching their State's age limit, in the next 12 months.

    Ages by the earliest plausible birth date (as the reminders do); open cases only. The age limit
    of a person's State is that of its current policy for the person's organisation on `today`
    (`policies.selectors.age_limits`, as the reminders read it). Three queries: the age limits, the
    counts over the main nationality claims (a join, no per-person subquery), and the children without a main nationality turning 18 (under "").
    """
    adult, reaching_limit, adult_person = coming_of_age_conditions(today)
    children = open_children(persons)
    counts = (
        NationalityClaim.objects.filter(is_primary=True, person__in=children.values("pk"))
        .filter(adult | reaching_limit)
        .order_by()
        .values_list("country")
        .annotate(adults=Count("pk", filter=adult), limit=Count("pk", filter=reaching_limit))
    )
    result = {str(c): (a, lim) for c, a, lim in counts if a or lim}
    stateless = children.filter(adult_person).exclude(nationality_claims__is_primary=True).count()
    if stateless:
        adults, limit = result.get("", (0, 0))
        result[""] = (adults + stateless, limit)
    return result


def splitting_requests(today: date) -> QuerySet[GovernmentRequest]:
    """The decided, still open requests (a handover may follow) whose decisions would split a family."""
    decided = GovernmentRequest.objects.filter(status__in=family_unity.DECIDED_OPEN_STATUSES)
    return family_unity.splitting(decided, on=today)


def split_families(persons: QuerySet[Person], today: date) -> int:
    """Requests covering a person in scope whose decisions would split a family (`family_unity`): one query.

    The requests the home page and the weekly report check (decided, still open: a handover may
    follow), counted once each.
    """
    requests = GovernmentRequest.objects.filter(
        status__in=family_unity.DECIDED_OPEN_STATUSES,
        pk__in=RequestedPerson.objects.filter(person__in=persons.values("pk")).values("request_id"),
    )
    # The scope's requests first, then the rule: PostgreSQL planned the other order several times slower.
    return family_unity.splitting(requests, on=today).order_by().count()


def count_live(persons: QuerySet[Person], *, period: Period, today: date) -> Counts:
    """All aggregates over `persons` (already scoped and filtered): a constant number of queries."""
    persons = persons.order_by()
    handed, repatriated = departures_by_month(persons, period)
    return Counts(
        stock=caseload_stock(persons, period),
        waiting=waiting_by_state(persons, today),
        delays=days_to_decision(persons, period),
        decisions=decisions_by_month(persons, period),
        handed=handed,
        repatriated=repatriated,
        coming_of_age=coming_of_age(persons, today),
        split_families=split_families(persons, today),
    )


def percentiles(days: list[int]) -> tuple[int, int]:
    """Median and 90th percentile (inclusive method) of a non-empty list of days, rounded."""
    p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else days[0]
    return round(statistics.median(days)), round(p90)

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

from django.db.models import Count, Q, QuerySet
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


def caseload_flows(
    persons: QuerySet[Person], period: Period
) -> tuple[dict[str, int], dict[date, dict[str, int]], dict[date, int]]:
    """The persons per status now, what each month from the period's start brought to them, and the
    cases moved to repatriated per month of the period (four queries).

    A month's flow is its status changes (out of the old status, into the new), and its
    registrations by first status. A person's first status is their status now undone by their
    changes, so a month's registrations by first status are its registered persons by status now,
    less what their changes brought in and plus what they took out. No query per person.

    The changes since the start are read from the index on (person, time) with their statuses
    (`status_change_person_at_idx`), persons first: a small scope (an assigned-only user's few
    thousand cases) reads only its own changes, not every change since the start (a scan of the
    whole table on PostgreSQL). Counted by the indexed columns: the index holds no primary key.
    """
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(period.end, datetime.max.time()))
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
    changes = (
        PersonStatusChange.objects.filter(person__in=persons.values("pk"), created_at__gte=start)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(
            n=Count("*"),
            repatriated=Count("new_status", filter=Q(new_status=CaseStatus.REPATRIATED, created_at__lte=end)),
        )
    )
    repatriated: dict[date, int] = defaultdict(int)
    for month, old, new, n, moved_home in changes:
        flows[month_of(month)][old] -= n
        flows[month_of(month)][new] += n
        if moved_home:
            repatriated[month_of(month)] += moved_home
    # The changes of the persons registered since the start only (their registration is undone).
    undone = (
        PersonStatusChange.objects.filter(person__in=persons.filter(created_at__gte=start).values("pk"))
        .order_by()
        .annotate(month=TruncMonth("person__created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(n=Count("*"))
    )
    for month, old, new, n in undone:
        flows[month_of(month)][old] += n
        flows[month_of(month)][new] -= n
    return now, {month: dict(by_status) for month, by_status in flows.items()}, dict(repatriated)


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


@dataclass
class RequestCounts:
    waiting: dict[str, tuple[int, int]]
    delays: dict[tuple[str, date], list[int]]
    decisions: dict[tuple[str, date], dict[str, int]]
    decided_open: set[int]  # the requests covering a person in scope decided and still open


def request_counts(persons: QuerySet[Person], period: Period, today: date) -> RequestCounts:
    """Waiting persons, days to decision and decisions, from the scope's places on requests (two queries).

    - *waiting*: per State, the persons waiting on its answer (pending on an awaiting request), and
      how many of them on an overdue request;
    - *delays*: days from a request's sending to its decision, per State and month of decision, for
      the requests decided in the period that cover a person in scope (each request once);
    - *decisions*: decisions on persons in scope per State, month and decision;
    - the decided, still open requests covering a person in scope (for `split_families_among`).

    One read of the scope's own places on requests (a few rows per person), counted here, then which
    of their awaited requests are overdue: not three scans of every place on a request each joined to
    the scope.
    """
    waits = Q(decision=Decision.PENDING, request__status__in=AWAITING_ANSWER_STATUSES)
    sent = Q(
        request__submitted_on__isnull=False,
        request__decided_on__gte=period.start,
        request__decided_on__lte=period.end,
    )
    decided = Q(decision__in=DECIDED, decided_on__gte=period.start, decided_on__lte=period.end)
    rows = (
        RequestedPerson.objects.filter(
            waits | sent | decided | Q(request__status__in=family_unity.DECIDED_OPEN_STATUSES),
            person__in=persons.values("pk"),
        )
        .order_by()
        .values_list(
            "person_id",
            "request_id",
            "decision",
            "decided_on",
            "request__status",
            "request__authority__country",
            "request__submitted_on",
            "request__decided_on",
        )
    )
    waiting: dict[str, set[int]] = defaultdict(set)
    awaited: dict[str, set[tuple[int, int]]] = defaultdict(set)  # State: (request, person)
    requests: dict[int, tuple[str, date, date]] = {}
    decisions: dict[tuple[str, date], dict[str, int]] = defaultdict(_nested)
    decided_open: set[int] = set()
    for person_id, request_id, decision, decided_on, status, country, submitted_on, request_decided in rows:
        country = str(country)
        if decision == Decision.PENDING and status in AWAITING_ANSWER_STATUSES:
            waiting[country].add(person_id)
            awaited[country].add((request_id, person_id))
        if submitted_on is not None and request_decided is not None and period.start <= request_decided <= period.end:
            requests[request_id] = (country, submitted_on, request_decided)
        if decision in DECIDED and decided_on is not None and period.start <= decided_on <= period.end:
            decisions[(country, decided_on.replace(day=1))][decision] += 1
        if status in family_unity.DECIDED_OPEN_STATUSES:
            decided_open.add(request_id)
    # Which of the awaited requests are overdue (`overdue_condition`): one query by primary key, not
    # a check of every awaiting request (PostgreSQL hashed them all for a subquery per row).
    overdue: set[int] = set()
    if awaited:
        ids = {request_id for pairs in awaited.values() for request_id, _person in pairs}
        overdue = set(
            GovernmentRequest.objects.filter(overdue_condition(today=today), pk__in=ids).values_list("pk", flat=True)
        )
    late = {c: {person for request, person in pairs if request in overdue} for c, pairs in awaited.items()}
    delays: dict[tuple[str, date], list[int]] = defaultdict(list)
    for country, submitted_on, request_decided in requests.values():
        delays[(country, request_decided.replace(day=1))].append((request_decided - submitted_on).days)
    return RequestCounts(
        waiting={c: (len(ids), len(late.get(c, ()))) for c, ids in waiting.items()},
        delays={key: sorted(days) for key, days in delays.items()},
        decisions={key: dict(value) for key, value in decisions.items()},
        decided_open=decided_open,
    )


def handed_by_month(persons: QuerySet[Person], period: Period) -> dict[date, int]:
    """Persons handed over (completed operations) per month (one query; the repatriated are counted
    with the status changes, `caseload_flows`)."""
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
    return {month_of(m): n for m, n in handed}


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


def split_families_among(request_ids: set[int], today: date) -> int:
    """Of these decided, still open requests (`RequestCounts.decided_open`), those whose decisions
    would split a family: one query by primary key (none without requests).

    The same count as `split_families`, from the requests the scope's read already found: for a
    few thousand persons, 3 ms against 35 ms in EXPLAIN ANALYZE (their requests joined again).
    """
    if not request_ids:
        return 0
    requests = GovernmentRequest.objects.filter(pk__in=request_ids, status__in=family_unity.DECIDED_OPEN_STATUSES)
    return family_unity.splitting(requests, on=today).order_by().count()


def count_live(persons: QuerySet[Person], *, period: Period, today: date) -> Counts:
    """All aggregates over `persons` (already scoped and filtered): a constant number of queries."""
    persons = persons.order_by()
    now, flows, repatriated = caseload_flows(persons, period)
    on_requests = request_counts(persons, period, today)
    return Counts(
        stock=walk_back(now, flows, period),
        waiting=on_requests.waiting,
        delays=on_requests.delays,
        decisions=on_requests.decisions,
        handed=handed_by_month(persons, period),
        repatriated=repatriated,
        coming_of_age=coming_of_age(persons, today),
        split_families=split_families_among(on_requests.decided_open, today),
    )


def percentiles(days: list[int]) -> tuple[int, int]:
    """Median and 90th percentile (inclusive method) of a non-empty list of days, rounded."""
    p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else days[0]
    return round(statistics.median(days)), round(p90)

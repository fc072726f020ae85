"""The dashboard's figures: aggregate counts over the user's scope, one query (or two) per chart.

Terms: *persons in scope* are `Person.objects.visible_to(user)` narrowed by the dashboard's filters
(facility, nationality); every figure counts only them, so another organisation's persons (and, for
an assigned-only user, other caseworkers' cases) are never counted. The *period* is a range of whole
months (`start` to `end`, inclusive). A person *waits* on a State when they are covered, still
without a decision, by a request the State owes an answer on; the request is *overdue* by
`govrequests.selectors.overdue_condition`. The caseload by status at the end of a month is derived
from the case status history: each person's first status (the `from` of their first change, or
their status if it never changed) from the month they were registered, then every change.

Only counts, codes and State names: never a name, case number or sensitive (L3) field. Counts
below `reports.selectors.SUPPRESSION_THRESHOLD` are suppressed when shown (see `Figure.shown_rows`).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.core.dates import anniversary
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, Decision, HandoverStatus
from casework.govrequests.models import GovernmentRequest, HandoverPerson, RequestedPerson
from casework.govrequests.selectors import overdue_condition
from casework.people.choices import CaseStatus
from casework.people.models import NationalityClaim, Person, PersonStatusChange
from casework.reminders.models import StateAgeLimit
from casework.reminders.rules import ADULT_AGE
from casework.reports.selectors import SUPPRESSION_THRESHOLD

DECIDED = (Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED, Decision.REFUSED)
CLOSED_CASES = (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.REPATRIATED)


def suppress(value: Any) -> Any:
    """A count from 1 to threshold - 1 as "<threshold"; zeros and other values (days, percentages) as they are."""
    if isinstance(value, int) and 0 < value < SUPPRESSION_THRESHOLD:
        return f"<{SUPPRESSION_THRESHOLD}"
    return value


@dataclass(frozen=True)
class Figure:
    """One chart and its table: rows of (label, values); `counted` says which value columns are counts."""

    key: str
    title: Any
    kind: str  # Chart.js type: "line" (stacked area when `stacked`), "bar"
    columns: tuple[Any, ...]  # the label column's header, then one per value
    rows: tuple[tuple[str, tuple[Any, ...]], ...]
    counted: tuple[bool, ...] = ()
    charted: tuple[bool, ...] = ()  # which value columns the chart draws (one unit a chart); all by default
    stacked: bool = False

    def shown_rows(self) -> list[list[Any]]:
        """Rows as shown and downloaded: counts below the threshold suppressed."""
        counted = self.counted or (True,) * (len(self.columns) - 1)
        return [
            [label, *(suppress(v) if c else v for v, c in zip(values, counted, strict=True))]
            for label, values in self.rows
        ]

    def chart_data(self) -> dict[str, Any]:
        """For the chart script (json_script): a suppressed count is drawn as nothing (null)."""
        shown = self.shown_rows()
        charted = self.charted or (True,) * (len(self.columns) - 1)
        return {
            "key": self.key,
            "type": self.kind,
            "stacked": self.stacked,
            "labels": [row[0] for row in shown],
            "datasets": [
                {"label": str(column), "data": [row[i] if not isinstance(row[i], str) else None for row in shown]}
                for i, (column, drawn) in enumerate(zip(self.columns[1:], charted, strict=True), start=1)
                if drawn
            ],
        }


@dataclass(frozen=True)
class Period:
    start: date  # first day of the first month
    end: date  # last day of the last month

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (
                month.replace(year=month.year + 1, month=1)
                if month.month == 12
                else month.replace(month=month.month + 1)
            )
        return months


def default_period(today: date) -> Period:
    """The last twelve months, this one included."""
    start = today.replace(day=1)
    for _i in range(11):
        start = (start.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(start=start, end=today)


def _month(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _month_label(month: date) -> str:
    return month.strftime("%Y-%m")


def _country_label(code: str) -> str:
    return (countries.name(code) or code) if code else str(_("Unknown"))


# --- The figures -------------------------------------------------------------------------------


def caseload_by_status(persons: QuerySet[Person], period: Period) -> Figure:
    """Persons per status at the end of each month of the period (four queries, none per person).

    Walked back from the statuses now: the stock at the end of a month is today's, less what every
    later month brought (its status changes, and its registrations by first status). A person's
    first status is their status now undone by their changes, so a month's registrations by first
    status are its registered persons by status now, less what their changes brought in and plus
    what they took out. Only the months from the period's start are read.
    """
    since = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    stock: dict[str, int] = defaultdict(int, persons.values_list("status").annotate(n=Count("pk")))
    flows: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    registered = (
        persons.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "status")
        .annotate(n=Count("pk"))
    )
    for month, status, n in registered:
        flows[_month(month)][status] += n
    in_scope = PersonStatusChange.objects.filter(person__in=persons.values("pk")).order_by()
    changes = (
        in_scope.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(n=Count("pk"))
    )
    for month, old, new, n in changes:
        flows[_month(month)][old] -= n
        flows[_month(month)][new] += n
    undone = (
        in_scope.filter(person__created_at__gte=since)
        .annotate(month=TruncMonth("person__created_at"))
        .values_list("month", "old_status", "new_status")
        .annotate(n=Count("pk"))
    )
    for month, old, new, n in undone:
        flows[_month(month)][old] += n
        flows[_month(month)][new] -= n

    rows = []
    later = sorted((m for m in flows if m > period.months()[-1]), reverse=True)
    for month in later:
        for status, n in flows[month].items():
            stock[status] -= n
    for month in reversed(period.months()):
        rows.append((_month_label(month), tuple(stock[s] for s in CaseStatus.values)))
        for status, n in flows.get(month, {}).items():
            stock[status] -= n
    rows.reverse()
    labels = dict(CaseStatus.choices)
    return Figure(
        "caseload",
        _("Caseload by status at the end of each month"),
        "line",
        (_("Month"), *(labels[s] for s in CaseStatus.values)),
        tuple(rows),
        stacked=True,
    )


def waiting_by_state(persons: QuerySet[Person], today: date) -> Figure:
    """Persons waiting on each State's answer, and how many of them on an overdue request (one query)."""
    waiting = Q(covered__decision=Decision.PENDING, covered__person__in=persons.values("pk"))
    counts = (
        GovernmentRequest.objects.filter(status__in=AWAITING_ANSWER_STATUSES)
        .order_by()
        .values_list("authority__country")
        .annotate(
            n=Count("covered__person", filter=waiting, distinct=True),
            late=Count("covered__person", filter=waiting & overdue_condition(today=today), distinct=True),
        )
    )
    rows = sorted(((c, n, late) for c, n, late in counts if n), key=lambda r: (-r[1], r[0]))
    return Figure(
        "waiting",
        _("Persons waiting for a State's answer"),
        "bar",
        (_("State"), _("Waiting"), _("On an overdue request"), _("Share overdue (%)")),
        tuple((_country_label(c), (n, late, round(100 * late / n))) for c, n, late in rows),
        counted=(True, True, False),
        charted=(True, True, False),
    )


def days_to_decision(persons: QuerySet[Person], period: Period) -> Figure:
    """Median and 90th percentile of days from a request's sending to its decision, per State (one query).

    Requests decided in the period that cover a person in scope; the percentiles are computed here
    over the (few thousand) decided requests, the same on SQLite and PostgreSQL.
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
    by_state: dict[str, list[int]] = defaultdict(list)
    for country, sent, decided_on in decided:
        by_state[country].append((decided_on - sent).days)
    rows = []
    for country, days in sorted(by_state.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else days[0]
        rows.append((_country_label(country), (len(days), round(statistics.median(days)), round(p90))))
    return Figure(
        "delays",
        _("Days from sending to decision"),
        "bar",
        (_("State"), _("Requests decided"), _("Median days"), _("90th percentile days")),
        tuple(rows),
        counted=(True, False, False),
        charted=(False, True, True),
    )


def decisions_by_month(persons: QuerySet[Person], period: Period) -> tuple[Figure, Figure]:
    """Decisions on persons in scope per month (the chart) and per State and month (the table); one query."""
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
    per_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_state: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for country, month, decision, n in counts:
        per_month[_month(month)][decision] += n
        per_state[(country, _month(month))][decision] += n
    labels = dict(Decision.choices)
    columns = tuple(labels[d] for d in DECIDED)
    by_month = Figure(
        "decisions",
        _("Decisions per month"),
        "bar",
        (_("Month"), *columns),
        tuple((_month_label(m), tuple(per_month[m][d] for d in DECIDED)) for m in period.months()),
        stacked=True,
    )
    by_state = Figure(
        "decisions_by_state",
        _("Decisions per State and month"),
        "table",
        (_("State and month"), *columns),
        tuple(
            (f"{_country_label(c)} {_month_label(m)}", tuple(per_state[(c, m)][d] for d in DECIDED))
            for c, m in sorted(per_state, key=lambda k: (_country_label(k[0]), k[1]))
        ),
    )
    return by_month, by_state


def departures_by_month(persons: QuerySet[Person], period: Period) -> Figure:
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
    handed_by = {_month(m): n for m, n in handed}
    repatriated_by = {_month(m): n for m, n in repatriated}
    return Figure(
        "departures",
        _("Handovers and repatriations per month"),
        "line",
        (_("Month"), _("Persons handed over"), _("Persons repatriated")),
        tuple((_month_label(m), (handed_by.get(m, 0), repatriated_by.get(m, 0))) for m in period.months()),
    )


def coming_of_age(persons: QuerySet[Person], today: date) -> Figure:
    """Per main nationality: children turning 18, and reaching their State's age limit, in the next 12 months.

    Ages by the earliest plausible birth date (as the reminders do); open cases only. Three queries:
    the age limits, the counts over the main nationality claims (a join, no per-person subquery),
    and the children without a main nationality turning 18.
    """
    in_a_year = anniversary(today, 1)

    def turning(age: int, prefix: str = "") -> Q:
        return Q(
            **{
                f"{prefix}birth_date_earliest__gt": anniversary(today, -age),
                f"{prefix}birth_date_earliest__lte": anniversary(in_a_year, -age),
            }
        )

    reaching_limit = Q(pk__in=[])
    for country, age in StateAgeLimit.objects.values_list("country", "age_limit"):
        reaching_limit |= Q(country=country) & turning(age, "person__")
    children = persons.exclude(status__in=CLOSED_CASES).filter(date_of_death__isnull=True)
    counts = (
        NationalityClaim.objects.filter(is_primary=True, person__in=children.values("pk"))
        .filter(turning(ADULT_AGE, "person__") | reaching_limit)
        .order_by()
        .values_list("country")
        .annotate(adults=Count("pk", filter=turning(ADULT_AGE, "person__")), limit=Count("pk", filter=reaching_limit))
    )
    rows = sorted(((c, a, lim) for c, a, lim in counts if a or lim), key=lambda r: (-r[1] - r[2], r[0]))
    stateless = children.filter(turning(ADULT_AGE)).exclude(nationality_claims__is_primary=True).count()
    if stateless:
        rows.append(("", stateless, 0))
    return Figure(
        "coming_of_age",
        _("Children turning 18 or reaching their State's age limit in the next 12 months"),
        "bar",
        (_("State"), _("Turning 18"), _("Reaching the State's age limit")),
        tuple((_country_label(c), (a, lim)) for c, a, lim in rows),
    )


def split_families_awaiting(persons: QuerySet[Person]) -> int:
    """Households split by a request: some members accepted, others still awaiting a decision (one query).

    Counted once per request and household.
    """
    accepted = Q(decision__in=(Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED))
    pairs = (
        RequestedPerson.objects.filter(
            person__in=persons.values("pk"),
            person__household__isnull=False,
            request__status__in=AWAITING_ANSWER_STATUSES | {"accepted", "partially_accepted", "operation_planned"},
        )
        .order_by()
        .values("request_id", "person__household_id")
        .annotate(accepted=Count("pk", filter=accepted), pending=Count("pk", filter=Q(decision=Decision.PENDING)))
        .filter(accepted__gt=0, pending__gt=0)
    )
    return pairs.count()


@dataclass(frozen=True)
class Dashboard:
    period: Period
    figures: tuple[Figure, ...]
    split_families: int

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def split_families_shown(self) -> Any:
        return suppress(self.split_families)


def dashboard(persons: QuerySet[Person], *, period: Period, today: date) -> Dashboard:
    """All figures over `persons` (already scoped to the user and filtered): a constant number of queries."""
    persons = persons.order_by()
    decisions, decisions_by_state = decisions_by_month(persons, period)
    figures = (
        caseload_by_status(persons, period),
        waiting_by_state(persons, today),
        days_to_decision(persons, period),
        decisions,
        decisions_by_state,
        departures_by_month(persons, period),
        coming_of_age(persons, today),
    )
    return Dashboard(period=period, figures=figures, split_families=split_families_awaiting(persons))

"""The dashboard's nightly summary: its counts per organisation and filter, stored, then read back.

Why: counted live, the dashboard of an organisation of 60,000 persons takes over a second (see
docs/benchmarks.md); read from the summary it is two small queries. The summary is refreshed by the
beat task `reports.tasks.refresh_dashboard_summary` (nightly) or the `refresh_dashboard_summary`
command, all at once in one transaction (readers see the previous one until it commits).

What it serves (`summary_counts`), and what is counted live instead (`dashboard_counts`):
- scopes: an organisation's supervisors and admins (the organisation's live persons) and
  superusers (every organisation's, summed). An assigned-only user's cases are counted live (a
  small caseload);
- filters: every combination: none, a facility or section (persons held there now), a nationality
  (persons with a claim for the State), or a place and a nationality together (`tally.slice_key`);
- periods: any range of months ending on any day. Decisions, delays, handovers and repatriations
  are kept by day; the caseload as the statuses of the summary's day and each month's flow, walked
  back as the live count does (`counts.walk_back`).
Figures of "now" (persons waiting, coming of age, split families) are those of `as_of`; the page
says when the summary was refreshed. Counts read from the summary are the live ones of `as_of`:
`tally` counts every filter value of an organisation at once with the live count's conditions, and
the agreement tests compare both.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from casework.govrequests.models import GovernmentRequest, HandoverOperation, RequestedPerson
from casework.people.models import Person, PersonStatusChange
from casework.reports.dashboard.counts import Counts, Period, count_live, month_of, previous_month, walk_back
from casework.reports.dashboard.figures import Dashboard, build
from casework.reports.dashboard.tally import Tally, tally
from casework.reports.models import DashboardSummary, DashboardSummaryRow

# What a row counts: its `figure`, and which of date, country, code and days it is keyed by.
BY_DAY = frozenset({"delays", "decisions", "handed", "repatriated"})
FIGURES = BY_DAY | {"caseload", "waiting", "coming_of_age", "split_families"}
BATCH = 5000


def _first_month(as_of: date) -> date:
    """The month before the first recorded registration, status change, decision or handover (five queries)."""
    firsts = [
        month_of(Person.objects.aggregate(m=Min("created_at"))["m"]),
        month_of(PersonStatusChange.objects.aggregate(m=Min("created_at"))["m"]),
        RequestedPerson.objects.aggregate(m=Min("decided_on"))["m"],
        GovernmentRequest.objects.aggregate(m=Min("decided_on"))["m"],
        HandoverOperation.objects.aggregate(m=Min("planned_on"))["m"],
    ]
    first = min([as_of, *(d for d in firsts if d is not None)])
    return previous_month(first.replace(day=1))


def _rows(
    organisation_id: int, key: str, counted: Tally, delays: dict[int, tuple[str, date, int]]
) -> Iterator[DashboardSummaryRow]:
    """The summary rows of one slice's tally (none for a zero count)."""

    def row(figure: str, n: int, **fields: Any) -> DashboardSummaryRow:
        return DashboardSummaryRow(organisation_id=organisation_id, slice=key, figure=figure, n=n, **fields)

    rows = [row("caseload", n, code=status) for status, n in counted.now.items()]
    rows += [row("caseload", n, date=m, code=s) for m, by in counted.flows.items() for s, n in by.items()]
    for country, persons in counted.waiting.items():
        rows += [
            row("waiting", len(persons), country=country, code="waiting"),
            row("waiting", len(counted.late.get(country, ())), country=country, code="late"),
        ]
    by_days = Counter(delays[request_id] for request_id in counted.delayed)
    rows += [row("delays", n, date=day, country=c, days=d) for (c, day, d), n in by_days.items()]
    rows += [row("decisions", n, date=day, country=c, code=d) for (c, day, d), n in counted.decisions.items()]
    rows += [row("handed", n, date=day) for day, n in counted.handed.items()]
    rows += [row("repatriated", n, date=day) for day, n in counted.repatriated.items()]
    rows += [row("coming_of_age", n, country=c, code=code) for (c, code), n in counted.coming_of_age.items()]
    rows.append(row("split_families", len(counted.split)))
    return (r for r in rows if r.n)


def summary_refresh(*, as_of: date | None = None) -> DashboardSummary:
    """Count every organisation's figures (whole and per filter value) as of `as_of` and replace the summary."""
    as_of = as_of or timezone.localdate()
    refreshed_at = timezone.now()
    first_month = _first_month(as_of)
    organisation_ids = Person.objects.live().order_by().values_list("organisation_id", flat=True).distinct()
    with transaction.atomic():
        DashboardSummaryRow.objects.all().delete()
        for organisation_id in sorted(organisation_ids):
            persons = Person.objects.live().filter(organisation_id=organisation_id)
            tallies, delays = tally(persons, today=as_of)
            batch: list[DashboardSummaryRow] = []
            for key, counted in tallies.items():
                batch.extend(_rows(organisation_id, key, counted, delays))
                if len(batch) >= BATCH:
                    DashboardSummaryRow.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
            DashboardSummaryRow.objects.bulk_create(batch, batch_size=BATCH)
        if connection.vendor == "postgresql":
            # Statistics of the new rows, committed with them: else the first readers' plans sort
            # thousands of rows by their text columns instead of hashing them (60 ms against 13 ms).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DashboardSummaryRow._meta.db_table}")
        DashboardSummary.objects.all().delete()
        return DashboardSummary.objects.create(as_of=as_of, first_month=first_month, refreshed_at=refreshed_at)


def summary_counts(
    *, organisation_ids: list[int] | None, slice_key: str, period: Period
) -> tuple[Counts, datetime] | None:
    """The summed counts of the organisations (all if None) for the filter value and period; two queries.

    None when there is no summary yet.
    """
    summary = DashboardSummary.objects.order_by("-refreshed_at").first()
    if summary is None:
        return None
    start = period.start.replace(day=1)
    rows = DashboardSummaryRow.objects.filter(slice=slice_key)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    rows = rows.filter(
        Q(date__isnull=True)
        | Q(figure="caseload", date__gte=start)  # every later month's flow: walked back from now
        | Q(figure__in=BY_DAY, date__gte=start, date__lte=period.end)
    ).values_list("figure", "date", "country", "code", "days", "n")
    # Summed by month here, not in SQL: a few thousand plain rows load faster than PostgreSQL's
    # date_trunc (a timestamp with time zone per row) and its grouping on text columns.
    totals: Counter = Counter()
    for figure, day, country, code, days, n in rows.order_by():
        totals[figure, day and day.replace(day=1), country, code, days] += n
    now: dict[str, int] = {}
    flows: dict[date, dict[str, int]] = defaultdict(dict)
    waiting: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ages: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts = Counts()
    for (figure, month, country, code, days), n in totals.items():
        if figure == "caseload" and month is None:
            now[code] = n
        elif figure == "caseload":
            flows[month][code] = n
        elif figure == "waiting":
            waiting[country][code] = n
        elif figure == "delays":
            counts.delays.setdefault((country, month), []).extend([days] * n)
        elif figure == "decisions":
            counts.decisions.setdefault((country, month), {})[code] = n
        elif figure == "handed":
            counts.handed[month] = n
        elif figure == "repatriated":
            counts.repatriated[month] = n
        elif figure == "coming_of_age":
            ages[country][code] = n
        elif figure == "split_families":
            counts.split_families = n
    counts.stock = walk_back(now, flows, period)
    counts.waiting = {c: (w["waiting"], w["late"]) for c, w in waiting.items()}
    counts.coming_of_age = {c: (a["adults"], a["limit"]) for c, a in ages.items()}
    for days in counts.delays.values():
        days.sort()
    return counts, summary.refreshed_at


def dashboard_counts(
    *, organisation_ids: list[int] | None, persons: QuerySet[Person], slice_key: str | None, period: Period, today: date
) -> tuple[Counts, datetime | None]:
    """From the summary when there is one; else, or when `slice_key` is None, counted live over `persons`.

    `persons` must be exactly the organisations' live persons narrowed by the filter `slice_key`
    (`tally.slice_key`); the time of the summary's refresh, or None if counted live.
    """
    if slice_key is not None:
        served = summary_counts(organisation_ids=organisation_ids, slice_key=slice_key, period=period)
        if served is not None:
            return served
    return count_live(persons, period=period, today=today), None


def user_dashboard(
    *, user: Any, persons: QuerySet[Person], slice_key: str | None, period: Period, today: date
) -> Dashboard:
    """The dashboard of `persons` (`Person.objects.visible_to(user)`, filtered by `slice_key`).

    From the summary for an organisation's users who see all of it and for superusers; counted
    live for an assigned-only user (their own cases) or a user without organisation.
    """
    organisation_ids: list[int] | None = None
    if not user.is_superuser:
        organisation_ids = [user.organisation_id]
        if not user.organisation_id or user.sees_assigned_only:
            slice_key = None
    counts, refreshed_at = dashboard_counts(
        organisation_ids=organisation_ids, persons=persons, slice_key=slice_key, period=period, today=today
    )
    return build(counts, period=period, refreshed_at=refreshed_at)


def organisation_counts(*, organisation_id: int, period: Period, today: date) -> tuple[Counts, datetime | None]:
    """An organisation's whole counts, as its supervisors see them unfiltered (the weekly report's charts)."""
    persons = Person.objects.live().filter(organisation_id=organisation_id)
    return dashboard_counts(
        organisation_ids=[organisation_id], persons=persons, slice_key="", period=period, today=today
    )

"""The dashboard's nightly summary: `Counts` per organisation and filter, stored, then read back.

Why: counted live, the dashboard of an organisation of 60,000 persons takes over a second (see
docs/benchmarks.md); read from the summary it is two small queries. The summary is refreshed by the
beat task `reports.tasks.refresh_dashboard_summary` (nightly) or the `refresh_dashboard_summary`
command, all at once in one transaction (readers see the previous one until it commits).

What it serves (`summary_counts`), and what is counted live instead (`dashboard_counts`):
- scopes: an organisation's supervisors and admins (the organisation's live persons) and
  superusers (every organisation's, summed). An assigned-only user's cases are counted live (a
  small caseload);
- filters: none, a facility or section (persons held there now), or a nationality (persons with a
  claim for the State) — one filter at a time; both at once are counted live;
- periods: any range of months ending on or after the day the summary is of (`as_of`), or ending
  on the last day of a month; a period ending within an earlier month is counted live.
Figures of "now" (persons waiting, coming of age, split families) are those of `as_of`; the page
says when the summary was refreshed. Counts read from the summary are the live ones of `as_of`:
the same functions (`counts.count_live`) compute them, over all the months since the first record.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone

from casework.govrequests.models import GovernmentRequest, HandoverOperation, RequestedPerson
from casework.people.filters import held_at, with_nationality
from casework.people.models import CustodyPeriod, NationalityClaim, Person, PersonStatusChange
from casework.reports.dashboard.counts import Counts, Period, count_live, month_of, previous_month
from casework.reports.dashboard.figures import Dashboard, build
from casework.reports.models import DashboardSummary, DashboardSummaryRow

# What a row counts: its `figure`, and which of month, country, code and days it is keyed by.
MONTHLY = frozenset({"caseload", "delays", "decisions", "handed", "repatriated"})
FIGURES = MONTHLY | {"waiting", "coming_of_age", "split_families"}


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


def _slices(persons: QuerySet[Person]) -> list[tuple[str, QuerySet[Person]]]:
    """The organisation's persons, then narrowed by each filter value that selects any of them."""
    in_scope = persons.values("pk")
    places = (
        CustodyPeriod.objects.filter(person__in=in_scope, end_date__isnull=True)
        .order_by()
        .values_list("facility__public_id", "section__public_id")
        .distinct()
    )
    locations = sorted({f"f:{f}" for f, _s in places} | {f"s:{s}" for _f, s in places if s is not None})
    nationalities = sorted(
        set(NationalityClaim.objects.filter(person__in=in_scope).order_by().values_list("country", flat=True))
    )
    return [
        ("", persons),
        *((key, held_at(persons, key)) for key in locations),
        *((f"n:{code}", with_nationality(persons, code)) for code in nationalities),
    ]


def _rows(organisation_id: int, key: str, counts: Counts) -> list[DashboardSummaryRow]:
    def row(figure: str, n: int, **fields: Any) -> DashboardSummaryRow:
        return DashboardSummaryRow(organisation_id=organisation_id, slice=key, figure=figure, n=n, **fields)

    rows = [row("caseload", n, month=m, code=s) for m, by in counts.stock.items() for s, n in by.items()]
    for country, (waiting, late) in counts.waiting.items():
        rows += [
            row("waiting", waiting, country=country, code="waiting"),
            row("waiting", late, country=country, code="late"),
        ]
    for (country, month), days in counts.delays.items():
        rows += [row("delays", n, month=month, country=country, days=d) for d, n in Counter(days).items()]
    for (country, month), by in counts.decisions.items():
        rows += [row("decisions", n, month=month, country=country, code=d) for d, n in by.items()]
    rows += [row("handed", n, month=m) for m, n in counts.handed.items()]
    rows += [row("repatriated", n, month=m) for m, n in counts.repatriated.items()]
    for country, (adults, limit) in counts.coming_of_age.items():
        rows += [row("coming_of_age", adults, country=country, code="adults")]
        rows += [row("coming_of_age", limit, country=country, code="limit")]
    rows.append(row("split_families", counts.split_families))
    return [r for r in rows if r.n]


def summary_refresh(*, as_of: date | None = None) -> DashboardSummary:
    """Count every organisation's figures (whole and per filter value) as of `as_of` and replace the summary."""
    as_of = as_of or timezone.localdate()
    refreshed_at = timezone.now()
    period = Period(start=_first_month(as_of), end=as_of)
    organisation_ids = Person.objects.live().order_by().values_list("organisation_id", flat=True).distinct()
    with transaction.atomic():
        DashboardSummaryRow.objects.all().delete()
        for organisation_id in sorted(organisation_ids):
            persons = Person.objects.live().filter(organisation_id=organisation_id).order_by()
            for key, sliced in _slices(persons):
                counts = count_live(sliced, period=period, today=as_of)
                DashboardSummaryRow.objects.bulk_create(_rows(organisation_id, key, counts), batch_size=2000)
        DashboardSummary.objects.all().delete()
        return DashboardSummary.objects.create(as_of=as_of, first_month=period.start, refreshed_at=refreshed_at)


def serves(summary: DashboardSummary, period: Period) -> bool:
    """Whether the summary holds the period's figures: it ends on or after `as_of`, or at a month's end."""
    return period.end >= summary.as_of or (period.end + timedelta(days=1)).day == 1


def summary_counts(
    *, organisation_ids: list[int] | None, slice_key: str, period: Period
) -> tuple[Counts, datetime] | None:
    """The summed counts of the organisations (all if None) for the filter value and period; two queries.

    None when there is no summary or it cannot serve the period (see `serves`).
    """
    summary = DashboardSummary.objects.order_by("-refreshed_at").first()
    if summary is None or not serves(summary, period):
        return None
    first, last = summary.first_month, summary.as_of.replace(day=1)

    def clamp(month: date) -> date:
        """Before the first month nothing moved; after the summary's month, it is the latest known."""
        return min(max(month, first), last)

    months = period.months()
    rows = DashboardSummaryRow.objects.filter(slice=slice_key)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    rows = (
        rows.filter(
            Q(month__isnull=True)
            | Q(figure="caseload", month__gte=clamp(months[0]), month__lte=clamp(months[-1]))
            | (~Q(figure="caseload") & Q(month__gte=period.start, month__lte=period.end))
        )
        .order_by()
        .values_list("figure", "month", "country", "code", "days")
        .annotate(total=Sum("n"))
    )
    stock: dict[date, dict[str, int]] = defaultdict(dict)
    waiting: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ages: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts = Counts()
    for figure, month, country, code, days, n in rows:
        if figure == "caseload":
            stock[month][code] = n
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
    counts.stock = {m: stock.get(clamp(m), {}) for m in months}
    counts.waiting = {c: (w["waiting"], w["late"]) for c, w in waiting.items()}
    counts.coming_of_age = {c: (a["adults"], a["limit"]) for c, a in ages.items()}
    for days in counts.delays.values():
        days.sort()
    return counts, summary.refreshed_at


def dashboard_counts(
    *, organisation_ids: list[int] | None, persons: QuerySet[Person], slice_key: str | None, period: Period, today: date
) -> tuple[Counts, datetime | None]:
    """From the summary when it serves the organisations, filter and period; else counted live over `persons`.

    `persons` must be exactly the organisations' live persons narrowed by the filter `slice_key`
    (None: a filter the summary does not hold); the time of the summary's refresh, or None if live.
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

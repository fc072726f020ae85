"""The dashboard's charts and tables, built from its `Counts` (live or from the nightly summary).

Labels are resolved in the active language; counts below `reports.selectors.SUPPRESSION_THRESHOLD`
are suppressed when shown (`Figure.shown_rows`) and not drawn (`Figure.chart_data`), on the page,
in its CSV downloads and in the weekly e-mail's images alike.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.govrequests.choices import Decision
from casework.people.choices import CaseStatus
from casework.reports.dashboard.counts import DECIDED, Counts, Period, percentiles
from casework.reports.selectors import SUPPRESSION_THRESHOLD


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
    kind: str  # Chart.js type: "line" (stacked area when `stacked`), "bar"; "table" for a table only
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
        """What a chart draws (the page's script, the e-mail's images): a suppressed count is nothing (None)."""
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


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")


def country_label(code: str) -> str:
    return _country_name(code, get_language()) if code else str(_("Unknown"))


@functools.lru_cache(maxsize=2048)
def _country_name(code: str, language: str | None) -> str:
    """A State's name in the language (django-countries translates each time: 0.3 ms a call)."""
    return countries.name(code) or code


def caseload_figure(counts: Counts, period: Period) -> Figure:
    labels = dict(CaseStatus.choices)
    return Figure(
        "caseload",
        _("Caseload by status at the end of each month"),
        "line",
        (_("Month"), *(labels[s] for s in CaseStatus.values)),
        tuple(
            (month_label(m), tuple(counts.stock.get(m, {}).get(s, 0) for s in CaseStatus.values))
            for m in period.months()
        ),
        stacked=True,
    )


def waiting_figure(counts: Counts) -> Figure:
    rows = sorted(((c, n, late) for c, (n, late) in counts.waiting.items() if n), key=lambda r: (-r[1], r[0]))
    return Figure(
        "waiting",
        _("Persons waiting for a State's answer"),
        "bar",
        (_("State"), _("Waiting"), _("On an overdue request"), _("Share overdue (%)")),
        tuple((country_label(c), (n, late, round(100 * late / n))) for c, n, late in rows),
        counted=(True, True, False),
        charted=(True, True, False),
    )


def delays_figure(counts: Counts) -> Figure:
    by_state: dict[str, list[int]] = defaultdict(list)
    for (country, _month), days in counts.delays.items():
        by_state[country].extend(days)
    rows = []
    for country, days in sorted(by_state.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows.append((country_label(country), (len(days), *percentiles(days))))
    return Figure(
        "delays",
        _("Days from sending to decision"),
        "bar",
        (_("State"), _("Requests decided"), _("Median days"), _("90th percentile days")),
        tuple(rows),
        counted=(True, False, False),
        charted=(False, True, True),
    )


def decisions_figures(counts: Counts, period: Period) -> tuple[Figure, Figure]:
    """Decisions per month (the chart) and per State and month (a table)."""
    per_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_country, month), by_decision in counts.decisions.items():
        for decision, n in by_decision.items():
            per_month[month][decision] += n
    labels = dict(Decision.choices)
    columns = tuple(labels[d] for d in DECIDED)
    by_month = Figure(
        "decisions",
        _("Decisions per month"),
        "bar",
        (_("Month"), *columns),
        tuple((month_label(m), tuple(per_month[m][d] for d in DECIDED)) for m in period.months()),
        stacked=True,
    )
    by_state = Figure(
        "decisions_by_state",
        _("Decisions per State and month"),
        "table",
        (_("State and month"), *columns),
        tuple(
            (f"{country_label(c)} {month_label(m)}", tuple(counts.decisions[(c, m)].get(d, 0) for d in DECIDED))
            for c, m in sorted(counts.decisions, key=lambda k: (country_label(k[0]), k[1]))
        ),
    )
    return by_month, by_state


def departures_figure(counts: Counts, period: Period) -> Figure:
    return Figure(
        "departures",
        _("Handovers and repatriations per month"),
        "line",
        (_("Month"), _("Persons handed over"), _("Persons repatriated")),
        tuple((month_label(m), (counts.handed.get(m, 0), counts.repatriated.get(m, 0))) for m in period.months()),
    )


def coming_of_age_figure(counts: Counts) -> Figure:
    rows = sorted(
        ((c, a, lim) for c, (a, lim) in counts.coming_of_age.items() if c and (a or lim)),
        key=lambda r: (-r[1] - r[2], r[0]),
    )
    if counts.coming_of_age.get("", (0, 0)) != (0, 0):
        rows.append(("", *counts.coming_of_age[""]))
    return Figure(
        "coming_of_age",
        _("Children turning 18 or reaching their State's age limit in the next 12 months"),
        "bar",
        (_("State"), _("Turning 18"), _("Reaching the State's age limit")),
        tuple((country_label(c), (a, lim)) for c, a, lim in rows),
    )


@dataclass(frozen=True)
class Dashboard:
    period: Period
    figures: tuple[Figure, ...]
    split_families: int
    # When the nightly summary the figures come from was refreshed; None when counted live.
    refreshed_at: datetime | None = None

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def charts(self) -> list[Figure]:
        return [f for f in self.figures if f.kind != "table"]

    @property
    def split_families_shown(self) -> Any:
        return suppress(self.split_families)


def build(counts: Counts, *, period: Period, refreshed_at: datetime | None = None) -> Dashboard:
    """The figures of `counts` over `period`, labelled in the active language."""
    decisions, decisions_by_state = decisions_figures(counts, period)
    figures = (
        caseload_figure(counts, period),
        waiting_figure(counts),
        delays_figure(counts),
        decisions,
        decisions_by_state,
        departures_figure(counts, period),
        coming_of_age_figure(counts),
    )
    return Dashboard(period=period, figures=figures, split_families=counts.split_families, refreshed_at=refreshed_at)

"""The dashboard page and its CSV downloads: thin views over `figures.dashboard`."""

import csv
import io
from html import escape
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from casework.core.views import permission_required
from casework.pages.dashboard.filters import DashboardFilterSet
from casework.people.models import Person
from casework.reports.dashboard.figures import Dashboard, Figure
from casework.reports.dashboard.summary import user_dashboard
from casework.reports.selectors import SUPPRESSION_THRESHOLD

# Supervisors and organisation admins: the figures of their scope (assigned-only users: their cases).
DASHBOARD_PERMISSION = "accounts.view_organisation_figures"


def _figures(request: HttpRequest) -> tuple[DashboardFilterSet, Dashboard]:
    today = timezone.localdate()
    filterset = DashboardFilterSet(request.GET or None, queryset=Person.objects.visible_to(request.user))
    persons = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    board = user_dashboard(
        user=request.user,
        persons=persons,
        slice_key=filterset.summary_slice(),
        period=filterset.period(today),
        today=today,
    )
    return filterset, board


def _table_body(figure: Figure) -> SafeString:
    """The rows of a figure's table as HTML, every label and value escaped (the State and month tables
    have hundreds of rows at 100,000 persons: the template's nested loops took a quarter of a second)."""
    rows = (
        f'<tr><th scope="row">{escape(str(label))}</th>{"".join(f"<td>{escape(str(v))}</td>" for v in values)}</tr>'
        for label, *values in figure.shown_rows()
    )
    # Every label and value is escaped above (reviewed: hence the `nosec B308 B703` for bandit).
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


@require_safe
@permission_required(DASHBOARD_PERMISSION)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    filterset, figures = _figures(request)
    context: dict[str, Any] = {
        "filter": filterset,
        "dashboard": figures,
        "sections": [(figure, _table_body(figure)) for figure in figures.figures],
        "chart_data": {f"chart-{f.key}": f.chart_data() for f in figures.charts},
        "query": request.GET.urlencode(),
        "threshold": SUPPRESSION_THRESHOLD,
    }
    return render(request, "pages/dashboard.html", context)


@require_safe
@permission_required(DASHBOARD_PERMISSION)
def dashboard_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One figure's table as CSV: aggregates only, suppressed as on the page."""
    _filterset, figures = _figures(request)
    try:
        figure = figures.figure(key)
    except StopIteration:
        raise Http404 from None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in figure.columns])
    writer.writerows(figure.shown_rows())
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{key}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response

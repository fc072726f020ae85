"""A dashboard period given far in the future is cut at today, not a server error.

Found by the probe: `?end=9999-12-31` (or `start`) on the dashboard and each of its CSV downloads answered
500 (the months of the period were walked past the year 9999).
"""

from datetime import date

import pytest
from django.urls import reverse

from casework.pages.dashboard.filters import DashboardFilterSet
from casework.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    "query", [{"end": "9999-12-31"}, {"start": "9999-12-31"}, {"start": "9999-01-01", "end": "9999-12-31"}]
)
def test_a_period_in_the_far_future_is_cut_at_today(query):
    period = DashboardFilterSet(query, queryset=Person.objects.none()).period(TODAY)

    assert period.end <= TODAY and period.start <= period.end
    assert period.months()[-1] == date(2025, 6, 1)


@pytest.mark.parametrize("url_name", ["dashboard", "dashboard_csv"])
def test_the_dashboard_and_its_downloads_answer_a_far_future_period(client_for, supervisor_a, url_name):
    url = reverse(url_name, args=["caseload"]) if url_name == "dashboard_csv" else reverse(url_name)

    response = client_for(supervisor_a).get(url, {"end": "9999-12-31"})

    assert response.status_code == 200

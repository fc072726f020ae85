"""The dashboard summary serves every filter combination and period with the live figures (issue 14).

The data set is tests/pages/test_dashboard.py's, with persons held at two facilities and a section,
a second nationality for one person, and status changes late in the evening of a month's last day.
"""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.accounts import roles
from casework.people.filters import held_at, with_nationality
from casework.people.models import Person
from casework.reports.dashboard.counts import Period
from casework.reports.dashboard.summary import summary_refresh, user_dashboard
from casework.reports.dashboard.tally import slice_key
from casework.reports.models import DashboardSummaryRow
from tests import factories
from tests.pages.test_dashboard import PERIOD, _rows, data  # noqa: F401 (fixture)
from tests.reports.dashboard_setup import T, moved

pytestmark = pytest.mark.django_db

PERIODS = [
    PERIOD,
    Period(date(2025, 1, 1), date(2025, 3, 11)),  # mid-month: before the decision of 12 March
    Period(date(2025, 1, 1), date(2025, 3, 12)),  # ... and on its day
    Period(date(2025, 4, 1), date(2025, 4, 20)),  # the handover's day
    Period(date(2025, 4, 1), date(2025, 4, 30)),  # a repatriation at 23:30 local time on the 30th
    Period(date(2025, 5, 1), date(2025, 5, 2)),  # a decision on the 2nd, a repatriation on the 3rd
    Period(date(2024, 6, 1), date(2024, 12, 20)),  # before most of it
    Period(date(2019, 1, 1), date(2025, 8, 31)),  # from before the first record to after the summary
    Period(date(2023, 1, 1), date(2023, 3, 31)),  # before anything was recorded
]


@pytest.fixture
def places(data):  # noqa: F811 (the fixture imported above)
    """Roj (p1 in its section, p4 and p5 in the camp), al-Hol (p0, p2); p4 also claims Iraqi nationality."""
    p = data
    roj, hol = factories.FacilityFactory(name="Roj"), factories.FacilityFactory(name="Hol")
    section = factories.FacilitySectionFactory(facility=roj)
    factories.CustodyPeriodFactory(person=p[1], facility=roj, section=section)
    factories.CustodyPeriodFactory(person=p[4], facility=roj)
    factories.CustodyPeriodFactory(person=p[5], facility=roj)
    factories.CustodyPeriodFactory(person=p[0], facility=hol)
    factories.CustodyPeriodFactory(person=p[2], facility=hol, end_date=date(2024, 1, 1))
    factories.CustodyPeriodFactory(person=p[2], facility=hol, start_date=date(2024, 1, 1))
    factories.NationalityClaimFactory(person=p[4], country="IQ", is_primary=False)
    Person.objects.filter(pk=p[2].pk).update(status="repatriated")
    moved(p[2], "registered", "repatriated", date(2025, 4, 30), hour=23, minute=30)  # late in the evening
    moved(p[5], "registered", "assessment", date(2025, 2, 28), hour=23, minute=30)
    Person.objects.filter(pk=p[5].pk).update(status="assessment")
    return {"roj": f"f:{roj.public_id}", "hol": f"f:{hol.public_id}", "section": f"s:{section.public_id}"}


def _filtered(user, location: str, nationality: str):
    persons = Person.objects.visible_to(user)
    if location:
        persons = held_at(persons, location)
    return with_nationality(persons, nationality) if nationality else persons


@pytest.mark.parametrize("who", ["supervisor_a", "superuser"])
def test_every_filter_combination_and_period_agrees_with_the_live_count(data, places, who, request):  # noqa: F811
    user = request.getfixturevalue(who)
    summary_refresh(as_of=T)

    compared = 0
    for location in ["", *places.values()]:
        for nationality in ["", "FR", "IQ", "DE"]:
            persons = _filtered(user, location, nationality)
            key = slice_key(location, nationality)
            for period in PERIODS:
                served = user_dashboard(user=user, persons=persons, slice_key=key, period=period, today=T)
                live = user_dashboard(user=user, persons=persons, slice_key=None, period=period, today=T)

                assert served.refreshed_at is not None and live.refreshed_at is None
                assert _rows(served) == _rows(live), (key, period)
                compared += 1
    assert compared == 4 * 4 * len(PERIODS)


def test_the_combined_filters_count_the_persons_held_there_with_the_nationality(data, places, supervisor_a):  # noqa: F811
    summary_refresh(as_of=T)

    def board(location, nationality, period=PERIOD):
        persons = _filtered(supervisor_a, location, nationality)
        key = slice_key(location, nationality)
        return user_dashboard(user=supervisor_a, persons=persons, slice_key=key, period=period, today=T)

    # Roj and French: p1 (waiting on the overdue request) and p4 (decided, not waiting).
    assert board(places["roj"], "FR").figure("waiting").rows == (("France", (1, 1, 100)),)
    assert board(places["section"], "FR").figure("waiting").rows == (("France", (1, 1, 100)),)
    # Roj and Iraqi: p4 only (a second claim); p5's decision of March is not p4's.
    decisions = dict(board(places["roj"], "IQ").figure("decisions").rows)
    assert decisions["2025-02"] == (0, 0, 1) and decisions["2025-03"] == (0, 0, 0)
    assert board(places["hol"], "FR").figure("waiting").rows == (("France", (1, 0, 0)),)  # p2
    assert board(places["section"], "IQ").figure("waiting").rows == ()
    assert all(sum(values) == 0 for _month, values in board(places["hol"], "DE").figure("caseload").rows)


def test_the_summary_holds_each_combination_where_someone_is_held(data, places, supervisor_a):  # noqa: F811
    summary_refresh(as_of=T)

    keys = set(DashboardSummaryRow.objects.values_list("slice", flat=True))

    assert {slice_key(places["roj"], "FR"), slice_key(places["section"], "FR"), slice_key(places["hol"], "IQ")} <= keys
    assert slice_key(places["hol"], "DE") not in keys  # nobody: read as zeros


def _refresh_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        summary_refresh(as_of=T)
    return len(queries.captured_queries)


def test_the_refresh_makes_the_same_queries_whatever_the_number_of_filter_values(data, places, org_a):  # noqa: F811
    before = _refresh_queries()
    for i, country in enumerate(["DE", "BE", "NL", "SE", "TN", "MA"]):
        camp = factories.FacilityFactory(name=f"Camp {i}")
        for _j in range(2):
            person = factories.PersonFactory(organisation=org_a)
            factories.NationalityClaimFactory(person=person, country=country)
            factories.CustodyPeriodFactory(
                person=person, facility=camp, section=factories.FacilitySectionFactory(facility=camp)
            )

    assert _refresh_queries() == before


@time_machine.travel(datetime(2025, 6, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_page_reads_both_filters_and_a_mid_month_period_from_the_summary(
    data,  # noqa: F811
    places,
    org_a,
    supervisor_a,
    client_for,
    django_assert_max_num_queries,
):
    summary_refresh(as_of=T)
    client = client_for(supervisor_a)
    url = reverse("dashboard")
    client.get(url)  # warm the cached reference data (facility and country choices)
    with CaptureQueriesContext(connection) as unfiltered:
        client.get(url)

    both = {"location": places["roj"], "nationality": "FR", "start": "2025-01-01", "end": "2025-03-11"}
    with django_assert_max_num_queries(len(unfiltered.captured_queries)):
        response = client.get(url, both)
    assert 'data-summary="refreshed"' in response.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(reverse("dashboard_csv", args=["waiting"]), both).content.decode())))
    assert rows[1:] == [["France", "<5", "<5", "100"]]  # suppressed as on the page

    limited = factories.UserFactory(organisation=org_a, role=roles.SUPERVISOR, sees_assigned_only=True)
    Person.objects.filter(pk=data[1].pk).update(assigned_to=limited)
    own = client_for(limited).get(reverse("dashboard_csv", args=["waiting"]), both)
    assert list(csv.reader(io.StringIO(own.content.decode())))[1:] == [["France", "<5", "<5", "100"]]
    assert 'data-summary="live"' in client_for(limited).get(url, both).content.decode()
    Person.objects.filter(pk=data[1].pk).update(assigned_to=None)
    nothing = client_for(limited).get(reverse("dashboard_csv", args=["waiting"]), both)
    assert list(csv.reader(io.StringIO(nothing.content.decode())))[1:] == []  # only their own cases

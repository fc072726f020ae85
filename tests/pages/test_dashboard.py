"""The dashboard: figures against hand-computed values, scoping, suppression, CSV and query counts.

Each figure test runs twice: counted live, and read from the nightly summary refreshed as of T.
"""

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.people.filters import held_at, with_nationality
from casework.people.models import Person
from casework.policies.choices import TakesBack
from casework.reports.dashboard.counts import Period
from casework.reports.dashboard.summary import summary_refresh, user_dashboard
from tests import factories
from tests.reports.dashboard_setup import (
    T,
    acknowledged_request,
    decided_request,
    drafted_request,
    moved,
    overdue_request,
    registered,
)

pytestmark = pytest.mark.django_db

PERIOD = Period(start=date(2025, 1, 1), end=T)
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def _born(person: Person, day: date) -> None:
    Person.objects.filter(pk=person.pk).update(birth_date=day, birth_date_earliest=day, birth_date_latest=day)


@pytest.fixture
def data(org_a, org_b, fieldworker_a):
    """Six persons of org A (p[0] assigned to the field worker) and one of org B that is never counted."""
    p = [factories.PersonFactory(organisation=org_a) for _ in range(6)]
    Person.objects.filter(pk=p[0].pk).update(assigned_to=fieldworker_a, status="ready_for_request")
    Person.objects.filter(pk=p[3].pk).update(status="repatriated")
    other = factories.PersonFactory(organisation=org_b, status="repatriated")
    for person, day in zip(
        [*p, other], [date(2025, 1, 10), date(2024, 12, 1), date(2025, 2, 10)] + [date(2024, 6, 1)] * 4, strict=True
    ):
        registered(person, day)
    moved(p[0], "registered", "ready_for_request", date(2025, 3, 5))
    moved(p[3], "registered", "repatriated", date(2025, 5, 3))
    moved(other, "registered", "repatriated", date(2025, 5, 3))

    factories.NationalityClaimFactory(person=p[0], country="IQ")
    for person in (p[1], p[2], p[4], other):
        factories.NationalityClaimFactory(person=person, country="FR")

    france = factories.GovernmentAuthorityFactory(country="FR")
    iraq = factories.GovernmentAuthorityFactory(country="IQ", name="Iraqi MFA")
    # Waiting on France: p0 and p1 (overdue: not acknowledged after 30 days), p2; p0 counted once.
    late, recent = overdue_request(org_a, france), acknowledged_request(org_a, france)
    for request, person in [(late, p[0]), (late, p[1]), (recent, p[2]), (recent, p[0])]:
        factories.RequestedPersonFactory(request=request, person=person)
    other_request = drafted_request(organisation=org_b, authority=france, submitted=True)
    factories.RequestedPersonFactory(request=other_request, person=other)

    # Decided requests (Iraq): 40, 70 and 90 days from sending to decision.
    for sent, decided, person, decision in [
        (date(2025, 1, 1), date(2025, 2, 10), p[3], Decision.ACCEPTED),
        (date(2025, 1, 1), date(2025, 3, 12), p[5], Decision.PARTIALLY_ACCEPTED),
        (date(2025, 2, 1), date(2025, 5, 2), p[4], Decision.ACCEPTED),
    ]:
        request = decided_request(org_a, iraq, sent, decided)
        factories.RequestedPersonFactory(request=request, person=person, decision=decision, decided_on=decided)
        if person == p[3]:
            factories.RequestedPersonFactory(
                request=request, person=p[4], decision=Decision.REFUSED, decided_on=decided
            )
    other_decided = decided_request(org_b, iraq, date(2025, 1, 1), date(2025, 2, 1), RequestStatus.REFUSED)
    factories.RequestedPersonFactory(
        request=other_decided, person=other, decision=Decision.REFUSED, decided_on=date(2025, 2, 1)
    )

    # A household on a request to Iraq still awaiting its answer: p4 accepted, p5 waits (no split by
    # the family-unity rule: nobody leaves before the request is decided).
    household = factories.HouseholdFactory(organisation=org_a)
    Person.objects.filter(pk__in=[p[4].pk, p[5].pk]).update(household=household)
    split = acknowledged_request(org_a, iraq)
    factories.RequestedPersonFactory(request=split, person=p[4], decision=Decision.ACCEPTED)
    factories.RequestedPersonFactory(request=split, person=p[5])
    # A split family (govrequests.family_unity): Iraq accepted the child p4 and refused its mother p5
    # on a request not yet handed over (not sent: no delay; no decision dates: no decision counted).
    factories.FamilyLinkFactory(person=p[4], relative=p[5], relation="mother")
    family = drafted_request(organisation=org_a, authority=iraq, status=RequestStatus.PARTIALLY_ACCEPTED)
    factories.RequestedPersonFactory(request=family, person=p[4], decision=Decision.ACCEPTED)
    factories.RequestedPersonFactory(request=family, person=p[5], decision=Decision.REFUSED)

    # A handover in April: p3 handed over, p5 not.
    operation = factories.HandoverOperationFactory(
        organisation=org_a,
        planned_on=date(2025, 4, 20),
        status=HandoverStatus.COMPLETED,
        document_signed_on=date(2025, 4, 20),
    )
    factories.HandoverPersonFactory(operation=operation, person=p[3], handed_over=True)
    factories.HandoverPersonFactory(operation=operation, person=p[5], handed_over=False)

    # Coming of age (French age limit 16): p1 and p2 turn 18 within a year, p4 turns 16; p5 turned 18 today.
    factories.StatePolicyFactory(country="FR", takes_back=TakesBack.CHILDREN_UNDER_AGE, age_limit=16)
    _born(p[1], date(2007, 9, 1))
    _born(p[2], date(2008, 6, 10))
    _born(p[4], date(2009, 12, 1))
    _born(p[5], date(2007, 6, 15))
    _born(other, date(2008, 1, 1))
    return p


@pytest.fixture(params=["live", "summary"])
def source(request):
    return request.param


def _figures(user, source="live", nationality="", period=PERIOD):
    """The user's dashboard: counted live, or read from the summary refreshed as of T (if it serves)."""
    persons = Person.objects.visible_to(user)
    if nationality:
        persons = with_nationality(persons, nationality)
    if source == "summary":
        summary_refresh(as_of=T)
    slice_key = f"n:{nationality}" if nationality else ""
    return user_dashboard(
        user=user, persons=persons, slice_key=slice_key if source == "summary" else None, period=period, today=T
    )


def test_the_figures_match_the_hand_computed_values(data, supervisor_a, source):
    board = _figures(supervisor_a, source)

    caseload = dict(board.figure("caseload").rows)
    columns = [str(c) for c in board.figure("caseload").columns]
    registered, ready, repatriated = (columns.index(x) - 1 for x in ("Registered", "Ready for request", "Repatriated"))
    assert list(caseload) == MONTHS
    assert [(v[registered], v[ready], v[repatriated]) for v in caseload.values()] == [
        (5, 0, 0),
        (6, 0, 0),
        (5, 1, 0),
        (5, 1, 0),
        (4, 1, 1),
        (4, 1, 1),
    ]
    assert all(sum(v) == 6 for v in list(caseload.values())[1:])

    assert board.figure("waiting").rows == (("France", (3, 2, 67)), ("Iraq", (1, 0, 0)))
    # Median of 40, 70, 90 days is 70; the 90th percentile (inclusive) 70 + 0.8 × 20 = 86.
    assert board.figure("delays").rows == (("Iraq", (3, 70, 86)),)
    decisions = dict(board.figure("decisions").rows)  # accepted, accepted with conditions, refused
    assert decisions == {
        "2025-01": (0, 0, 0),
        "2025-02": (1, 0, 1),
        "2025-03": (0, 1, 0),
        "2025-04": (0, 0, 0),
        "2025-05": (1, 0, 0),
        "2025-06": (0, 0, 0),
    }
    assert board.figure("decisions_by_state").rows == (
        ("Iraq 2025-02", (1, 0, 1)),
        ("Iraq 2025-03", (0, 1, 0)),
        ("Iraq 2025-05", (1, 0, 0)),
    )
    departures = dict(board.figure("departures").rows)
    assert departures["2025-04"] == (1, 0)
    assert departures["2025-05"] == (0, 1)
    assert sum(sum(v) for v in departures.values()) == 2
    assert board.figure("coming_of_age").rows == (("France", (2, 1)),)
    # Iraq accepted p4 without its mother p5: on the partially accepted request, and on the accepted
    # one decided in May (p5 not covered); both still open (no handover yet).
    assert board.split_families == 2
    assert (board.refreshed_at is not None) == (source == "summary")


def test_another_organisations_persons_are_never_counted(data, supervisor_b, source):
    board = _figures(supervisor_b, source)

    # Org B's one person: registered in 2024, repatriated in May; its request and decision are org B's.
    caseload = board.figure("caseload")
    repatriated = [str(c) for c in caseload.columns].index("Repatriated") - 1
    assert [sum(v) for _m, v in caseload.rows] == [1] * 6
    assert dict(caseload.rows)["2025-05"][repatriated] == 1
    assert board.figure("waiting").rows == (("France", (1, 1, 100)),)
    assert dict(board.figure("decisions").rows)["2025-02"] == (0, 0, 1)
    assert board.figure("coming_of_age").rows == ()
    assert board.split_families == 0


def test_an_assigned_only_user_counts_their_own_cases(data, fieldworker_a, source):
    board = _figures(fieldworker_a, source)

    assert board.refreshed_at is None  # an assigned-only user's cases are always counted live
    assert [sum(v) for _m, v in board.figure("caseload").rows] == [1, 1, 1, 1, 1, 1]
    assert board.figure("waiting").rows == (("France", (1, 1, 100)),)
    assert board.figure("delays").rows == ()


def test_filters_narrow_the_persons(data, supervisor_a, source):
    board = _figures(supervisor_a, source, nationality="FR")

    assert board.figure("waiting").rows == (("France", (2, 1, 50)),)


@time_machine.travel(datetime(2025, 6, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_page_suppresses_small_counts_and_carries_the_chart_data(data, supervisor_a, client_for):
    response = client_for(supervisor_a).get(reverse("dashboard"), {"start": "2025-01-01", "end": "2025-06-15"})

    assert response.status_code == 200
    html = response.content.decode()
    chart = json.loads(html.split('id="chart-waiting" type="application/json">')[1].split("</script>")[0])
    assert chart["labels"] == ["France", "Iraq"]
    # 3 waiting and 2 overdue are below the threshold: not drawn (the share is in the table only).
    assert [d["data"] for d in chart["datasets"]] == [[None, None], [None, 0]]
    delays = json.loads(html.split('id="chart-delays" type="application/json">')[1].split("</script>")[0])
    assert [d["data"] for d in delays["datasets"]] == [[70], [86]]  # median and 90th percentile days
    assert "Counts from 1 to 4 are shown as “&lt;5”." in html
    assert "<td>&lt;5</td>" in html
    assert 'data-figure="split_families">&lt;5<' in html
    for name in ("Fatima", "Aisha", "al-Maghribi", "المغربي", "T-0"):
        assert name not in html
    assert "<script>" not in html  # no inline script: the data is JSON, the drawing a static file


@time_machine.travel(datetime(2025, 6, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_csv_holds_the_suppressed_aggregates(data, supervisor_a, client_for):
    response = client_for(supervisor_a).get(reverse("dashboard_csv", args=["waiting"]), {"start": "2025-01-01"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["State", "Waiting", "On an overdue request", "Share overdue (%)"],
        ["France", "<5", "<5", "67"],
        ["Iraq", "<5", "0", "0"],
    ]
    assert client_for(supervisor_a).get(reverse("dashboard_csv", args=["nothing"])).status_code == 404


def test_counts_from_the_threshold_are_shown(org_a, supervisor_a):
    france = factories.GovernmentAuthorityFactory(country="FR")
    request = drafted_request(organisation=org_a, authority=france, submitted=True)
    for _i in range(5):
        factories.RequestedPersonFactory(request=request, person=factories.PersonFactory(organisation=org_a))

    figure = _figures(supervisor_a).figure("waiting")

    assert figure.shown_rows() == [["France", 5, 5, 100]]


def test_the_page_makes_a_constant_number_of_queries(
    data, org_a, supervisor_a, client_for, django_assert_max_num_queries, source
):
    if source == "summary":
        summary_refresh(as_of=timezone.localdate())
    client = client_for(supervisor_a)
    client.get(reverse("dashboard"))  # warm the cached reference data (facility and country choices)
    # From the summary: two queries for the figures, instead of sixteen counted live.
    with django_assert_max_num_queries(10 if source == "summary" else 24) as first:
        client.get(reverse("dashboard"))
    france = factories.GovernmentAuthorityFactory(country="DE")
    for i in range(8):
        person = factories.PersonFactory(organisation=org_a)
        factories.NationalityClaimFactory(person=person, country="DE")
        request = drafted_request(organisation=org_a, authority=france, submitted=True)
        factories.RequestedPersonFactory(request=request, person=person, decision=Decision.REFUSED, decided_on=T)
        moved(person, "registered", "assessment", T - timedelta(days=i))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("dashboard"), {"nationality": "DE"})


@time_machine.travel(datetime(2025, 6, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_facility_filter_counts_the_persons_held_there_now(data, supervisor_a, client_for):
    roj, hol = factories.FacilityFactory(name="Roj"), factories.FacilityFactory(name="Hol")
    factories.CustodyPeriodFactory(person=data[1], facility=roj)
    factories.CustodyPeriodFactory(person=data[2], facility=roj, end_date=date(2024, 1, 1))
    factories.CustodyPeriodFactory(person=data[2], facility=hol, start_date=date(2024, 1, 1))

    response = client_for(supervisor_a).get(
        reverse("dashboard_csv", args=["waiting"]), {"location": f"f:{roj.public_id}"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [["France", "<5", "<5", "100"]]


def test_the_home_page_links_to_the_dashboard_for_those_who_may_open_it(client_for, supervisor_a, caseworker_a):
    assert reverse("dashboard") in client_for(supervisor_a).get(reverse("home")).content.decode()
    assert reverse("dashboard") not in client_for(caseworker_a).get(reverse("home")).content.decode()


# --- The nightly summary ---------------------------------------------------------------------------


def _rows(board):
    return [(f.key, f.rows) for f in board.figures], board.split_families


@pytest.mark.parametrize("who", ["supervisor_a", "superuser"])
def test_the_summary_serves_each_filter_with_the_live_figures(data, who, request):
    user = request.getfixturevalue(who)
    roj = factories.FacilityFactory(name="Roj")
    section = factories.FacilitySectionFactory(facility=roj)
    factories.CustodyPeriodFactory(person=data[1], facility=roj, section=section)
    factories.CustodyPeriodFactory(person=data[4], facility=roj)
    summary_refresh(as_of=T)
    persons = Person.objects.visible_to(user)
    slices = {
        "": persons,
        "n:FR": with_nationality(persons, "FR"),
        "n:IQ": with_nationality(persons, "IQ"),
        f"f:{roj.public_id}": held_at(persons, f"f:{roj.public_id}"),
        f"s:{section.public_id}": held_at(persons, f"s:{section.public_id}"),
    }
    for key, sliced in slices.items():
        served = user_dashboard(user=user, persons=sliced, slice_key=key, period=PERIOD, today=T)
        live = user_dashboard(user=user, persons=sliced, slice_key=None, period=PERIOD, today=T)

        assert served.refreshed_at is not None and live.refreshed_at is None
        assert _rows(served) == _rows(live), key
    assert dict(_figures(user, "summary").figure("waiting").rows)["France"][0] == (4 if who == "superuser" else 3)


def test_a_period_ending_within_an_earlier_month_is_read_from_the_summary(data, supervisor_a):
    summary_refresh(as_of=T)

    mid_march = _figures(supervisor_a, "summary", period=Period(date(2025, 1, 1), date(2025, 3, 11)))
    end_of_march = _figures(supervisor_a, "summary", period=Period(date(2025, 1, 1), date(2025, 3, 31)))

    assert mid_march.refreshed_at is not None and end_of_march.refreshed_at is not None
    for board in (mid_march, end_of_march):
        assert _rows(board) == _rows(_figures(supervisor_a, period=board.period))
    # The decision of 12 March falls after the 11th: counted in March only for the whole month.
    assert dict(mid_march.figure("decisions").rows)["2025-03"] == (0, 0, 0)
    assert dict(end_of_march.figure("decisions").rows) == {
        "2025-01": (0, 0, 0),
        "2025-02": (1, 0, 1),
        "2025-03": (0, 1, 0),
    }


def test_months_after_the_summary_show_the_last_known_caseload(data, supervisor_a):
    summary_refresh(as_of=T)

    board = _figures(supervisor_a, "summary", period=Period(date(2024, 1, 1), date(2025, 8, 31)))

    caseload = dict(board.figure("caseload").rows)
    assert board.refreshed_at is not None
    assert caseload["2025-07"] == caseload["2025-08"] == caseload["2025-06"]
    assert sum(caseload["2025-06"]) == 6
    # Nobody before the first registrations (June 2024: p3, p4 and p5), then p1 in December.
    assert sum(caseload["2024-01"]) == 0 and sum(caseload["2024-06"]) == 3 and sum(caseload["2024-12"]) == 4
    assert dict(board.figure("decisions").rows)["2025-07"] == (0, 0, 0)


@time_machine.travel(datetime(2025, 6, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False)
def test_the_page_says_where_its_figures_come_from(data, org_a, supervisor_a, client_for):
    from casework.accounts import roles

    limited = factories.UserFactory(organisation=org_a, role=roles.SUPERVISOR, sees_assigned_only=True)
    roj = factories.FacilityFactory(name="Roj")
    summary_refresh(as_of=T)
    url = reverse("dashboard")

    assert 'data-summary="refreshed"' in client_for(supervisor_a).get(url).content.decode()
    assert 'data-summary="refreshed"' in client_for(supervisor_a).get(url, {"nationality": "FR"}).content.decode()
    both = client_for(supervisor_a).get(url, {"nationality": "FR", "location": f"f:{roj.public_id}"})
    assert 'data-summary="refreshed"' in both.content.decode()
    assert 'data-summary="live"' in client_for(limited).get(url).content.decode()


def test_the_summary_is_refreshed_nightly_by_beat_and_by_a_command(data, settings):
    from django.core.management import call_command

    from casework.reports import tasks
    from casework.reports.models import DashboardSummary

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-dashboard-summary"]
    assert entry["task"] == tasks.refresh_dashboard_summary.name
    weekly = settings.CELERY_BEAT_SCHEDULE["email-weekly-reports"]["schedule"]
    assert entry["schedule"].hour == {4} and min(weekly.hour) > 4  # before the weekly report's charts

    out = io.StringIO()
    call_command("refresh_dashboard_summary", "--as-of", "2025-06-15", stdout=out)
    assert "Dashboard summary as of 2025-06-15" in out.getvalue()
    assert tasks.refresh_dashboard_summary() == timezone.localdate().isoformat()
    assert DashboardSummary.objects.get().as_of == timezone.localdate()  # replaced, not added

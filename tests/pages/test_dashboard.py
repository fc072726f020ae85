"""The dashboard: figures against hand-computed values, scoping, suppression, CSV and query counts."""

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.pages.dashboard.figures import Period, dashboard
from casework.people.models import Person, PersonStatusChange
from casework.reminders.models import StateAgeLimit
from tests import factories

pytestmark = pytest.mark.django_db

T = date(2025, 6, 15)
PERIOD = Period(start=date(2025, 1, 1), end=T)
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def _registered(person: Person, day: date) -> None:
    Person.objects.filter(pk=person.pk).update(created_at=_at(day))


def _moved(person: Person, old: str, new: str, day: date) -> None:
    change = PersonStatusChange.objects.create(person=person, old_status=old, new_status=new)
    PersonStatusChange.objects.filter(pk=change.pk).update(created_at=_at(day))


def _request(**kwargs):
    return factories.GovernmentRequestFactory(drafted_on=date(2024, 12, 1), **kwargs)


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
        _registered(person, day)
    _moved(p[0], "registered", "ready_for_request", date(2025, 3, 5))
    _moved(p[3], "registered", "repatriated", date(2025, 5, 3))
    _moved(other, "registered", "repatriated", date(2025, 5, 3))

    factories.NationalityClaimFactory(person=p[0], country="IQ")
    for person in (p[1], p[2], p[4], other):
        factories.NationalityClaimFactory(person=person, country="FR")

    france = factories.GovernmentAuthorityFactory(country="FR")
    iraq = factories.GovernmentAuthorityFactory(country="IQ", name="Iraqi MFA")
    # Waiting on France: p0 and p1 (overdue: not acknowledged after 30 days), p2; p0 counted once.
    late = _request(
        organisation=org_a, authority=france, status=RequestStatus.SUBMITTED, submitted_on=T - timedelta(days=30)
    )
    recent = _request(
        organisation=org_a,
        authority=france,
        status=RequestStatus.ACKNOWLEDGED,
        submitted_on=T - timedelta(days=5),
        acknowledged_on=T - timedelta(days=3),
    )
    for request, person in [(late, p[0]), (late, p[1]), (recent, p[2]), (recent, p[0])]:
        factories.RequestedPersonFactory(request=request, person=person)
    other_request = _request(organisation=org_b, authority=france, submitted=True)
    factories.RequestedPersonFactory(request=other_request, person=other)

    # Decided requests (Iraq): 40, 70 and 90 days from sending to decision.
    for sent, decided, person, decision in [
        (date(2025, 1, 1), date(2025, 2, 10), p[3], Decision.ACCEPTED),
        (date(2025, 1, 1), date(2025, 3, 12), p[5], Decision.PARTIALLY_ACCEPTED),
        (date(2025, 2, 1), date(2025, 5, 2), p[4], Decision.ACCEPTED),
    ]:
        request = _request(
            organisation=org_a, authority=iraq, status=RequestStatus.ACCEPTED, submitted_on=sent, decided_on=decided
        )
        factories.RequestedPersonFactory(request=request, person=person, decision=decision, decided_on=decided)
        if person == p[3]:
            factories.RequestedPersonFactory(
                request=request, person=p[4], decision=Decision.REFUSED, decided_on=decided
            )
    other_decided = _request(
        organisation=org_b,
        authority=iraq,
        status=RequestStatus.REFUSED,
        submitted_on=date(2025, 1, 1),
        decided_on=date(2025, 2, 1),
    )
    factories.RequestedPersonFactory(
        request=other_decided, person=other, decision=Decision.REFUSED, decided_on=date(2025, 2, 1)
    )

    # A split family on a request to Iraq still awaiting its answer: p4 accepted, p5 waits.
    household = factories.HouseholdFactory(organisation=org_a)
    Person.objects.filter(pk__in=[p[4].pk, p[5].pk]).update(household=household)
    split = _request(
        organisation=org_a,
        authority=iraq,
        status=RequestStatus.ACKNOWLEDGED,
        submitted_on=T - timedelta(days=5),
        acknowledged_on=T - timedelta(days=3),
    )
    factories.RequestedPersonFactory(request=split, person=p[4], decision=Decision.ACCEPTED)
    factories.RequestedPersonFactory(request=split, person=p[5])

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
    StateAgeLimit.objects.create(country="FR", age_limit=16)
    _born(p[1], date(2007, 9, 1))
    _born(p[2], date(2008, 6, 10))
    _born(p[4], date(2009, 12, 1))
    _born(p[5], date(2007, 6, 15))
    _born(other, date(2008, 1, 1))
    return p


def _figures(user, **filters):
    return dashboard(Person.objects.visible_to(user).filter(**filters), period=PERIOD, today=T)


def test_the_figures_match_the_hand_computed_values(data, supervisor_a):
    board = _figures(supervisor_a)

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
    assert board.split_families == 1


def test_another_organisations_persons_are_never_counted(data, supervisor_b):
    board = _figures(supervisor_b)

    # Org B's one person: registered in 2024, repatriated in May; its request and decision are org B's.
    caseload = board.figure("caseload")
    repatriated = [str(c) for c in caseload.columns].index("Repatriated") - 1
    assert [sum(v) for _m, v in caseload.rows] == [1] * 6
    assert dict(caseload.rows)["2025-05"][repatriated] == 1
    assert board.figure("waiting").rows == (("France", (1, 1, 100)),)
    assert dict(board.figure("decisions").rows)["2025-02"] == (0, 0, 1)
    assert board.figure("coming_of_age").rows == ()
    assert board.split_families == 0


def test_an_assigned_only_user_counts_their_own_cases(data, fieldworker_a):
    board = _figures(fieldworker_a)

    assert [sum(v) for _m, v in board.figure("caseload").rows] == [1, 1, 1, 1, 1, 1]
    assert board.figure("waiting").rows == (("France", (1, 1, 100)),)
    assert board.figure("delays").rows == ()


def test_filters_narrow_the_persons(data, supervisor_a):
    board = _figures(supervisor_a, nationality_claims__country="FR")

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
    request = _request(organisation=org_a, authority=france, submitted=True)
    for _i in range(5):
        factories.RequestedPersonFactory(request=request, person=factories.PersonFactory(organisation=org_a))

    figure = _figures(supervisor_a).figure("waiting")

    assert figure.shown_rows() == [["France", 5, 5, 100]]


def test_the_page_makes_a_constant_number_of_queries(
    data, org_a, supervisor_a, client_for, django_assert_max_num_queries
):
    client = client_for(supervisor_a)
    client.get(reverse("dashboard"))  # warm the cached reference data (facility and country choices)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("dashboard"))
    france = factories.GovernmentAuthorityFactory(country="DE")
    for i in range(8):
        person = factories.PersonFactory(organisation=org_a)
        factories.NationalityClaimFactory(person=person, country="DE")
        request = _request(organisation=org_a, authority=france, submitted=True)
        factories.RequestedPersonFactory(request=request, person=person, decision=Decision.REFUSED, decided_on=T)
        _moved(person, "registered", "assessment", T - timedelta(days=i))
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

"""The live count of the dashboard (`counts.count_live`, assigned-only users) read in fewer queries (#14).

The status changes since the period's start give the caseload's flows and the repatriations in one
query; the scope's places on requests give the waiting persons, the delays and the decisions in one
(plus the overdue check by primary key). Cases where sharing a read could miscount: a change after
a period ending mid-month, a request covering two persons, a person waiting twice on one State.
"""

from datetime import date

import pytest

from casework.govrequests.choices import Decision
from casework.people.models import Person
from casework.reports.dashboard.counts import Period, count_live, split_families
from tests import factories
from tests.reports.dashboard_setup import T, acknowledged_request, at, decided_request, moved, overdue_request

pytestmark = pytest.mark.django_db

PERIOD = Period(start=date(2025, 1, 1), end=date(2025, 5, 15))  # ends mid-month


@pytest.fixture
def persons(org_a):
    p = [factories.PersonFactory(organisation=org_a) for _ in range(3)]
    Person.objects.filter(pk=p[0].pk).update(created_at=at(date(2024, 6, 1)), status="repatriated")
    Person.objects.filter(pk=p[1].pk).update(created_at=at(date(2025, 2, 10)), status="repatriated")
    Person.objects.filter(pk=p[2].pk).update(created_at=at(date(2024, 6, 1)), status="registered")
    moved(p[0], "registered", "repatriated", date(2025, 5, 3))  # in the period
    moved(p[1], "registered", "repatriated", date(2025, 5, 20))  # after its end, in its last month
    return Person.objects.filter(pk__in=[x.pk for x in p])


def test_a_repatriation_after_a_mid_month_end_moves_the_caseload_but_is_not_counted(persons):
    counts = count_live(persons, period=PERIOD, today=T)
    assert counts.repatriated == {date(2025, 5, 1): 1}
    # At the end of May (the stock of the month's end), both moves are in; before, neither.
    assert counts.stock[date(2025, 5, 1)] == {"registered": 1, "repatriated": 2}
    assert counts.stock[date(2025, 4, 1)] == {"registered": 3}
    assert counts.stock[date(2025, 1, 1)] == {"registered": 2}  # p1 registered in February


def test_requests_are_counted_once_and_persons_once_per_state(org_a, persons, django_assert_max_num_queries):
    p0, p1, p2 = persons.order_by("pk")
    france = factories.GovernmentAuthorityFactory(country="FR")
    late, recent = overdue_request(org_a, france), acknowledged_request(org_a, france)
    # p0 waits on both (once for France, late), p2 on the recent one only (not late).
    for request, person in [(late, p0), (recent, p0), (recent, p2)]:
        factories.RequestedPersonFactory(request=request, person=person)
    decided = decided_request(org_a, france, date(2025, 1, 1), date(2025, 3, 2))
    # One request, two persons in scope: one delay, two decisions (one a refusal).
    factories.RequestedPersonFactory(
        request=decided, person=p1, decision=Decision.ACCEPTED, decided_on=date(2025, 3, 2)
    )
    factories.RequestedPersonFactory(request=decided, person=p2, decision=Decision.REFUSED, decided_on=date(2025, 3, 2))
    # Decided after the period's end: neither a delay nor a decision of the period.
    after = decided_request(org_a, france, date(2025, 1, 1), date(2025, 5, 20))
    factories.RequestedPersonFactory(request=after, person=p0, decision=Decision.ACCEPTED, decided_on=date(2025, 5, 20))

    with django_assert_max_num_queries(11):
        counts = count_live(persons, period=PERIOD, today=T)
    assert counts.waiting == {"FR": (2, 1)}
    assert counts.delays == {("FR", date(2025, 3, 1)): [60]}
    assert counts.decisions == {("FR", date(2025, 3, 1)): {Decision.ACCEPTED: 1, Decision.REFUSED: 1}}
    assert counts.split_families == split_families(persons, T) == 0

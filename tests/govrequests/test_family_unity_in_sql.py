"""The family-unity rule in SQL (#13/#14): same answers as the rule that names the separations, queries that do
not grow with the number of requests, and no person (nor encrypted field) loaded to find or count splits."""

import itertools
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.govrequests import family_unity
from casework.govrequests.choices import Decision, RequestStatus
from casework.govrequests.models import GovernmentRequest
from casework.people import services as people_services
from casework.people.choices import DatePrecision, Relation, Sex
from casework.people.models import Person
from casework.reports.dashboard import counts
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOT_COVERED = None


def _request(org, decisions: dict, *, days_ago: int = 0) -> GovernmentRequest:
    request = factories.GovernmentRequestFactory(
        organisation=org,
        acknowledged=True,
        status=RequestStatus.PARTIALLY_ACCEPTED,
        decided_on=TODAY - timedelta(days_ago),
    )
    for person, decision in decisions.items():
        if decision is not NOT_COVERED:
            factories.RequestedPersonFactory(request=request, person=person, decision=decision)
    return request


def _link(person, relative, relation, actor) -> None:
    people_services.family_link_create(person=person, relative=relative, relation=relation, actor=actor)


def test_the_rule_in_sql_finds_the_requests_and_children_the_named_rule_finds(org_a, supervisor_a):
    """Every combination of decisions over a family with the edge cases: an adult son, a child of unknown age, a
    teenager who is 18 on the oldest reading of a year of birth only, a deceased father and a closed case."""
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    girl = factories.PersonFactory(organisation=org_a, child=True)
    unknown = factories.PersonFactory(
        organisation=org_a, sex=Sex.UNKNOWN, birth_date=None, birth_date_precision=DatePrecision.UNKNOWN
    )
    son = factories.PersonFactory(organisation=org_a, sex=Sex.MALE)
    teen = factories.PersonFactory(organisation=org_a, birth_date=TODAY.replace(year=TODAY.year - 18))
    dead_father = factories.PersonFactory(organisation=org_a, sex=Sex.MALE, date_of_death=TODAY - timedelta(days=400))
    closed_aunt_as_sister = factories.PersonFactory(organisation=org_a, closed=True)
    for child in (girl, unknown, son, teen):
        _link(child, mother, Relation.MOTHER, supervisor_a)
    for first, second in itertools.combinations((girl, unknown, son, teen), 2):
        _link(first, second, Relation.SIBLING, supervisor_a)
    _link(girl, dead_father, Relation.FATHER, supervisor_a)
    _link(teen, closed_aunt_as_sister, Relation.SIBLING, supervisor_a)
    states = (Decision.ACCEPTED, Decision.REFUSED, NOT_COVERED)
    requests = []
    for index, (m, g, s, t) in enumerate(itertools.product(states, repeat=4)):
        others = {unknown: states[index % 3], dead_father: states[(index + 1) % 3]}
        others[closed_aunt_as_sister] = Decision.PARTIALLY_ACCEPTED if index % 2 else Decision.PENDING
        requests.append(_request(org_a, {mother: m, girl: g, son: s, teen: t, **others}))

    named = family_unity.separations_for_requests([r.pk for r in requests])
    in_sql = set(family_unity.splitting(GovernmentRequest.objects.all()).values_list("pk", flat=True))

    assert in_sql == set(named)
    assert 10 < len(named) < len(requests)  # the combinations split some families, not all
    children = defaultdict(set)
    for request_id, separations in named.items():
        children[request_id] |= {s.child.pk for s in separations}
    country = str(requests[0].authority.country)
    expected = (len(named), len(set().union(*children.values())))
    assert family_unity.split_families_by_state(organisation_id=org_a.pk) == {country: expected}


def _split_requests(org, actor, number: int) -> list[GovernmentRequest]:
    """`number` requests that split a mother from her child, and as many that split no one."""
    requests = []
    for index in range(number):
        mother = factories.PersonFactory(organisation=org, sex=Sex.FEMALE)
        child = factories.PersonFactory(organisation=org, child=True)
        _link(child, mother, Relation.MOTHER, actor)
        requests.append(_request(org, {mother: Decision.REFUSED, child: Decision.ACCEPTED}, days_ago=index))
        _request(org, {mother: Decision.ACCEPTED, child: Decision.ACCEPTED})
    return requests


@pytest.mark.parametrize("number", [2, 6])
def test_the_home_panel_and_the_counts_read_in_queries_that_do_not_grow(
    number, org_a, supervisor_a, django_assert_max_num_queries
):
    requests = _split_requests(org_a, supervisor_a, number)

    # The splitting requests (newest decision first, LIMIT); their rows and links; whom the user may see.
    with django_assert_max_num_queries(4):
        panel = family_unity.split_requests_for(user=supervisor_a, limit=3)
    with django_assert_max_num_queries(1):
        count = counts.split_families(Person.objects.filter(organisation=org_a), TODAY)
    with django_assert_max_num_queries(1):
        by_state = family_unity.split_families_by_state(organisation_id=org_a.pk)

    # Bounded, in the order of the decisions (newest first), each with its sentence.
    assert [r.pk for r, _s in panel] == [r.pk for r in requests[:3]]
    assert all(len(separations) == 1 for _r, separations in panel)
    assert count == number
    assert list(by_state.values()) == [(number, number)]


def test_no_encrypted_field_is_read_to_find_or_count_splits(org_a, supervisor_a):
    _split_requests(org_a, supervisor_a, 3)
    encrypted = [Person._meta.get_field(name).column for name in family_unity.ENCRYPTED_FIELDS]
    assert "health_notes" in encrypted

    with CaptureQueriesContext(connection) as queries:
        panel = family_unity.split_requests_for(user=supervisor_a)
        counts.split_families(Person.objects.filter(organisation=org_a), TODAY)
        family_unity.split_families_by_state(organisation_id=org_a.pk)

    assert len(panel) == 3
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "people_person" in read
    assert [column for column in encrypted if column in read] == []

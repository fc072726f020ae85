"""The person list's name search at scale: constant queries, the matcher's order kept, and plans that use indexes.

Issue #10: at 100,000 persons the search box's `case_number LIKE 'x%' OR id IN (candidates)` read every
person of the organisation (twice: page and count), see docs/benchmarks.md.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.people.filters import case_number_prefix, name_matches
from casework.people.models import Person
from casework.people.selectors import with_match_rank
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:person_list")
QUERY = "Khadija Omar Haddad"

# Reads of a list page with a name search (tests/web/test_person_list.py counts those of the list):
# session, user, two permission reads, caseworker choices, the page's rows, the capped count, and the
# matcher's four (key counts, blocking, persons, aliases). Writes: the session's UPDATE and the read log's
# INSERT, with their transaction statements.
SEARCH_READS = 7 + 4
SEARCH_QUERIES_MAX = SEARCH_READS + 3 + 1


def _namesakes(org, count: int) -> list:
    camp = factories.FacilityFactory(name="Camp N")
    persons = []
    for index in range(count):
        person = factories.PersonFactory(
            organisation=org,
            given_name_lat="Khadija",
            father_name_lat="Omar" if index % 3 else "Omer",
            grandfather_name_lat="",
            family_name_lat="Haddad",
            given_name_ar="",
            father_name_ar="",
            grandfather_name_ar="",
            family_name_ar="",
            sex="female",
            birth_date=date(1970 + index % 30, 1, 1),
            birth_date_precision="year",
        )
        factories.CustodyPeriodFactory(person=person, facility=camp)
        factories.NationalityClaimFactory(person=person, country="FR")
        persons.append(person)
    return persons


def _reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.mark.parametrize("count", [5, 40])
def test_a_name_search_costs_the_same_queries_whatever_the_candidates(
    client_for, caseworker_a, org_a, django_assert_max_num_queries, count
):
    _namesakes(org_a, count)
    client = client_for(caseworker_a)
    client.get(LIST_URL)  # the first request caches the location choices

    with django_assert_max_num_queries(SEARCH_QUERIES_MAX) as first_page:
        first = client.get(LIST_URL, {"q": QUERY})
    assert first.context["sort"] == "match"
    assert len(first.context["page"].object_list) == min(count, 25)
    assert len(_reads(first_page)) == SEARCH_READS, "\n".join(_reads(first_page))

    if count > 25:
        with django_assert_max_num_queries(SEARCH_QUERIES_MAX) as second_page:
            second = client.get(LIST_URL, {"q": QUERY, "cursor": first.context["page"].next_cursor})
        assert len(second.context["page"].object_list) == count - 25
        assert len(_reads(second_page)) == SEARCH_READS, "\n".join(_reads(second_page))


def test_the_pages_of_a_name_search_are_the_matchers_order(client_for, caseworker_a, org_a):
    _namesakes(org_a, 40)
    expected = list(name_matches(user=caseworker_a, text=QUERY))
    client = client_for(caseworker_a)

    first = client.get(LIST_URL, {"q": QUERY})
    second = client.get(LIST_URL, {"q": QUERY, "cursor": first.context["page"].next_cursor})
    back = client.get(LIST_URL, {"q": QUERY, "cursor": second.context["page"].previous_cursor})
    last = client.get(LIST_URL, {"q": QUERY, "cursor": "last"})

    shown = [p.pk for p in first.context["page"].object_list] + [p.pk for p in second.context["page"].object_list]
    assert shown == expected
    assert [p.pk for p in back.context["page"].object_list] == expected[:25]
    assert [p.pk for p in last.context["page"].object_list] == expected[-25:]
    scores = [p.match.score for p in first.context["page"].object_list]
    assert scores == sorted(scores, reverse=True)


def test_the_match_rank_is_the_position_among_the_candidates_others_last(org_a):
    first, second, other = (factories.PersonFactory(organisation=org_a) for _ in range(3))
    persons = Person.objects.filter(pk__in=[first.pk, second.pk, other.pk])

    ranked = dict(with_match_rank(persons, [second.pk, first.pk]).values_list("pk", "match_rank"))
    unranked = set(with_match_rank(persons, []).values_list("match_rank", flat=True))

    assert ranked == {second.pk: 0, first.pk: 1, other.pk: 2}
    assert unranked == {0}


def test_a_case_number_prefix_still_finds_its_person_with_the_names(client_for, caseworker_a, org_a):
    namesakes = _namesakes(org_a, 3)
    other = factories.PersonFactory(organisation=org_a)
    client = client_for(caseworker_a)

    by_number = client.get(LIST_URL, {"q": other.case_number.lower()})
    by_prefix = client.get(LIST_URL, {"q": other.case_number[:-1]})

    assert [p.pk for p in by_number.context["page"].object_list] == [other.pk]
    assert other.pk in {p.pk for p in by_prefix.context["page"].object_list}
    assert by_prefix.context["sort"] != "match"  # no name in a case number: sorted as the list is
    assert namesakes[0].pk not in {p.pk for p in by_number.context["page"].object_list}


def _plan(sql: str | None, *settings: str, queryset=None) -> str:
    """PostgreSQL's plan of `sql` (or of `queryset`) with the planner `settings` (e.g. "enable_seqscan = off")."""
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")  # until the end of the test's transaction
        if queryset is not None:
            return queryset.explain()
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _search_queries(client, text: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST_URL, {"q": text}).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_case_number_prefix_is_answered_by_an_index(org_a):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's (the pattern operator class does not exist on SQLite)")
    person = factories.PersonFactory(organisation=org_a)
    prefix = Person.objects.filter(case_number_prefix(person.case_number[:4])).values("pk")

    # The list ORs this condition with the matcher's candidates: at 100,000 persons PostgreSQL answers the
    # OR from this index and the primary key; without an index for LIKE it read every person of the
    # organisation. (A table this small gives no such plan by itself: seq scans are switched off.)
    plan = _plan(None, "enable_seqscan = off", queryset=prefix)
    assert "person_case_number_like_idx" in plan, plan


def test_the_matchers_key_lookups_read_the_index_only(client_for, caseworker_a, org_a):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    _namesakes(org_a, 5)
    queries = _search_queries(client_for(caseworker_a), "Khadija Haddad")
    lookups = [sql for sql in queries if "people_personnamekey" in sql]
    assert len(lookups) == 2, queries  # key counts and blocking

    for sql in lookups:
        # Organisation, key, kind, part and person are all in the lookup index: no table row is visited
        # (with the former index on organisation, key and person, each row found was read for its kind).
        plan = _plan(sql, "enable_seqscan = off", "enable_bitmapscan = off")
        scans = [line.strip() for line in plan.splitlines() if " on people_personnamekey" in line]
        assert scans, plan
        assert all(line.startswith(("Index Only Scan", "->  Index Only Scan")) for line in scans), plan

"""A merged record (tombstone) is never listed, counted or offered as a match."""

from datetime import date

import pytest

from casework.matching.selectors import rank_candidates
from casework.people.models import Person
from casework.reports.selectors import weekly_summary
from tests import factories
from tests.merging.conftest import merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(org_a, merger_a):
    first = factories.PersonFactory(organisation=org_a, given_name_lat="Khadija", family_name_lat="Benali")
    second = factories.PersonFactory(organisation=org_a, given_name_lat="Khadidja", family_name_lat="Ben Ali")
    from casework.people.namekeys import person_name_keys_rebuild

    person_name_keys_rebuild(person_ids=[first.pk, second.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    merge(first, second, merger_a)
    return first, second


def test_the_weekly_report_does_not_count_the_tombstone(merged, org_a):
    summary = weekly_summary(organisation=org_a, today=date.today())
    by_status = next(table for table in summary.tables if table.rows)
    assert sum(counts[0] for _code, counts in by_status.rows) == 1


def test_the_tombstone_is_never_a_match_candidate(merged, merger_a):
    first, second = merged
    found = {candidate.person.pk for candidate in rank_candidates(user=merger_a, text="Khadidja Ben Ali")}
    assert first.pk in found and second.pk not in found


def test_scoped_lists_leave_the_tombstone_out(merged, merger_a, superuser):
    first, second = merged
    assert list(Person.objects.visible_to(merger_a)) == [first]
    assert second not in Person.objects.visible_to(superuser)
    assert list(Person.objects.merged_visible_to(merger_a)) == [second]

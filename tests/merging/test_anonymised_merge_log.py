"""The merge record's replay log copies both persons' rows: the anonymisation of either erases it."""

import json

import pytest

from casework.merging import services
from casework.retention.services import person_anonymise
from tests import factories
from tests.merging.conftest import merge

pytestmark = pytest.mark.django_db


def _names(person) -> list[str]:
    return [value for value in (person.given_name_lat, person.family_name_lat, person.given_name_ar) if value]


def test_anonymising_the_survivor_erases_the_merge_log_and_the_unmerge_is_refused(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)
    other_first = factories.PersonFactory(organisation=first.organisation)
    other_second = factories.PersonFactory(organisation=first.organisation)
    unrelated = merge(other_first, other_second, merger_a)
    names = _names(second)
    assert names and any(name in json.dumps(record.changes, ensure_ascii=False) for name in names)

    person_anonymise(person=first, actor=merger_a)

    record.refresh_from_db()
    assert record.changes == []
    assert record.summary["aliases"] == []
    assert not any(name in json.dumps(record.summary, ensure_ascii=False) for name in names)
    with pytest.raises(services.MergeRefused, match="anonymised"):
        services.person_unmerge(merge=record, actor=merger_a)
    unrelated.refresh_from_db()
    assert unrelated.changes  # another pair's merge keeps its log


def test_anonymising_the_merged_record_alone_erases_the_log_too(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)
    services.person_unmerge(merge=record, actor=merger_a)  # both records live again
    second.refresh_from_db()

    person_anonymise(person=second, actor=merger_a)

    record.refresh_from_db()
    assert record.changes == []

"""The one home of a State's age limit (#8): `selectors.age_limits`, as the reminders and the dashboard read it."""

from datetime import date

import pytest
from django.db.models import Q

from casework.people.models import Person
from casework.policies import selectors
from casework.policies.choices import TakesBack
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def _policy(country, takes_back, age=None, *, organisation=None, valid_from=date(2020, 1, 1)):
    return factories.StatePolicyFactory(
        organisation=organisation, country=country, valid_from=valid_from, takes_back=takes_back, age_limit=age
    )


def test_the_age_limit_is_that_of_the_current_policy_for_the_organisation(org_a, org_b, django_assert_num_queries):
    _policy("FR", TakesBack.CHILDREN_UNDER_AGE, 12)
    _policy("FR", TakesBack.CHILDREN_UNDER_AGE, 10, valid_from=date(2030, 1, 1))  # not yet in force
    _policy("BE", TakesBack.CHILDREN_UNDER_AGE, 14, valid_from=date(2019, 1, 1))
    _policy("BE", TakesBack.CHILDREN_ONLY, valid_from=date(2024, 1, 1))  # the newer policy has no limit
    _policy("DE", TakesBack.CHILDREN_UNDER_AGE, 16, organisation=org_a)  # org A's own reading only
    _policy("FR", TakesBack.ALL, organisation=org_b)  # org B's own line replaces the shared limit

    with django_assert_num_queries(1):
        limits = selectors.age_limits(on=DAY)

    assert (limits.of(org_a.pk, "FR"), limits.of(org_b.pk, "FR")) == (12, None)
    assert (limits.of(org_a.pk, "BE"), limits.of(org_b.pk, "BE")) == (None, None)
    assert (limits.of(org_a.pk, "DE"), limits.of(org_b.pk, "DE")) == (16, None)
    assert limits.of(org_a.pk, "NL") is None
    assert selectors.age_limits(on=date(2023, 1, 1)).of(org_b.pk, "BE") == 14
    assert limits
    assert not selectors.age_limits(on=date(2018, 1, 1))


def test_the_filter_selects_the_rows_of_each_organisation_by_its_own_limit(org_a, org_b):
    _policy("FR", TakesBack.CHILDREN_UNDER_AGE, 12)
    _policy("FR", TakesBack.CHILDREN_UNDER_AGE, 16, organisation=org_b)
    persons = {}
    for org in (org_a, org_b):
        for age in (12, 16):
            person = factories.PersonFactory(organisation=org, birth_date=date(2026 - age, 1, 1))
            factories.NationalityClaimFactory(person=person, country="FR")
            persons[(org.code, age)] = person

    limits = selectors.age_limits(on=DAY)
    matched = Person.objects.filter(
        limits.as_filter(
            organisation="organisation_id",
            country="nationality_claims__country",
            reaching=lambda age: Q(birth_date=date(2026 - age, 1, 1)),
        )
    )
    assert set(matched) == {persons[(org_a.code, 12)], persons[(org_b.code, 16)]}
    none = selectors.AgeLimits(shared={"FR": None}, own={})
    assert not Person.objects.filter(none.as_filter(organisation="organisation_id", country="x", reaching=Q))

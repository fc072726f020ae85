"""State policies: the current policy of a State, the policy check of a person, saving a policy."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.core.models import AuditEvent
from casework.people.choices import DatePrecision, Relation, Sex
from casework.policies import selectors, services
from casework.policies.choices import TakesBack
from casework.policies.models import StatePolicy
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def _born(years_before: int, *, precision: str = DatePrecision.EXACT) -> dict:
    return {"birth_date": date(DAY.year - years_before, 1, 15), "birth_date_precision": precision}


def test_the_current_policy_is_the_latest_valid_on_the_day_and_history_is_kept(org_a):
    old = factories.StatePolicyFactory(country="FR", valid_from=date(2019, 1, 1), takes_back=TakesBack.ORPHANS)
    new = factories.StatePolicyFactory(country="FR", valid_from=date(2022, 7, 1), takes_back=TakesBack.ALL)
    factories.StatePolicyFactory(country="FR", valid_from=date(2030, 1, 1), takes_back=TakesBack.NONE)

    assert selectors.current_policy(organisation_id=org_a.pk, country="FR", on=date(2020, 1, 1)) == old
    assert selectors.current_policy(organisation_id=org_a.pk, country="FR", on=DAY) == new
    assert selectors.current_policy(organisation_id=org_a.pk, country="BE", on=DAY) is None
    assert StatePolicy.objects.filter(country="FR").count() == 3


def test_an_organisations_own_policy_replaces_the_shared_default_for_it_only(org_a, org_b):
    shared = factories.StatePolicyFactory(country="DE", valid_from=date(2023, 1, 1), takes_back=TakesBack.ALL)
    own = factories.StatePolicyFactory(
        organisation=org_a, country="DE", valid_from=date(2020, 1, 1), takes_back=TakesBack.CHILDREN_ONLY
    )

    assert selectors.current_policy(organisation_id=org_a.pk, country="DE", on=DAY) == own
    assert selectors.current_policy(organisation_id=org_b.pk, country="DE", on=DAY) == shared
    assert selectors.current_policies(organisation_id=org_b.pk, countries=["DE", "FR"], on=DAY) == {"DE": shared}


def test_an_adult_falls_outside_a_children_only_policy_and_a_child_does_not(org_a):
    policy = factories.StatePolicyFactory(takes_back=TakesBack.CHILDREN_ONLY)
    adult = factories.PersonFactory(organisation=org_a, **_born(30))
    child = factories.PersonFactory(organisation=org_a, **_born(9))

    reasons = services.check_person(policy, adult, DAY)

    assert len(reasons) == 1 and "30" in reasons[0]
    assert services.check_person(policy, child, DAY) == []


def test_the_age_limit_counts_from_the_earliest_plausible_birth_date(org_a):
    policy = factories.StatePolicyFactory(takes_back=TakesBack.CHILDREN_UNDER_AGE, age_limit=12)
    # Born "in 2014": on 1 June 2026 the child may already be 12.
    maybe_twelve = factories.PersonFactory(
        organisation=org_a, birth_date=date(2014, 1, 1), birth_date_precision=DatePrecision.YEAR
    )
    eleven = factories.PersonFactory(organisation=org_a, birth_date=date(2015, 1, 1))

    assert services.check_person(policy, maybe_twelve, DAY)
    assert services.check_person(policy, eleven, DAY) == []


def test_an_unknown_age_is_a_reason_for_an_age_based_policy(org_a):
    policy = factories.StatePolicyFactory(takes_back=TakesBack.CHILDREN_ONLY)
    unknown = factories.PersonFactory(organisation=org_a, birth_date=None, birth_date_precision=DatePrecision.UNKNOWN)

    assert services.check_person(policy, unknown, DAY)


def test_a_child_with_a_living_parent_falls_outside_an_orphans_only_policy(org_a):
    policy = factories.StatePolicyFactory(takes_back=TakesBack.ORPHANS)
    child = factories.PersonFactory(organisation=org_a, **_born(6))
    orphan = factories.PersonFactory(organisation=org_a, **_born(6))
    mother = factories.PersonFactory(organisation=org_a, **_born(30))
    dead_father = factories.PersonFactory(organisation=org_a, date_of_death=date(2019, 2, 1), **_born(40))
    factories.FamilyLinkFactory(person=child, relative=mother, relation=Relation.MOTHER)
    factories.FamilyLinkFactory(person=orphan, relative=dead_father, relation=Relation.FATHER)

    assert services.check_person(policy, child, DAY)
    assert services.check_person(policy, orphan, DAY) == []


def test_mothers_with_children_excludes_adult_men_and_women_without_a_child(org_a):
    policy = factories.StatePolicyFactory(takes_back=TakesBack.MOTHERS_WITH_CHILDREN)
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE, **_born(30))
    child = factories.PersonFactory(organisation=org_a, **_born(5))
    factories.FamilyLinkFactory(person=mother, relative=child, relation=Relation.CHILD)
    woman = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE, **_born(30))
    man = factories.PersonFactory(organisation=org_a, sex=Sex.MALE, **_born(30))

    assert services.check_person(policy, mother, DAY) == []
    assert services.check_person(policy, child, DAY) == []
    assert services.check_person(policy, woman, DAY)
    assert services.check_person(policy, man, DAY)


@pytest.mark.parametrize("takes_back", [TakesBack.ALL, TakesBack.CASE_BY_CASE])
def test_open_policies_and_no_policy_raise_no_warning(org_a, takes_back):
    adult = factories.PersonFactory(organisation=org_a, sex=Sex.MALE, **_born(40))

    assert services.check_person(factories.StatePolicyFactory(takes_back=takes_back), adult, DAY) == []
    assert services.check_person(None, adult, DAY) == []


def test_a_state_that_takes_no_one_back_warns_for_everyone(org_a):
    child = factories.PersonFactory(organisation=org_a, **_born(3))

    assert services.check_person(factories.StatePolicyFactory(takes_back=TakesBack.NONE), child, DAY)


def test_policy_warnings_check_many_persons_in_constant_queries(org_a, django_assert_max_num_queries):
    factories.StatePolicyFactory(takes_back=TakesBack.ORPHANS, valid_from=date(2019, 1, 1))
    persons = [factories.PersonFactory(organisation=org_a, **_born(6)) for _ in range(6)]
    for person in persons:
        factories.FamilyLinkFactory(person=person, relation=Relation.MOTHER)

    # The policy, the persons, their family links with the relatives.
    with django_assert_max_num_queries(3):
        policy, warnings = services.policy_warnings(organisation_id=org_a.pk, country="FR", persons=persons, on=DAY)

    assert policy is not None
    assert [person for person, _reasons in warnings] == persons


def test_an_age_limit_policy_needs_its_limit():
    policy = StatePolicy(country="FR", valid_from=DAY, takes_back=TakesBack.CHILDREN_UNDER_AGE)

    with pytest.raises(ValidationError):
        policy.full_clean()


def test_an_organisation_admin_saves_policies_of_their_organisation_only(orgadmin_a, org_b):
    policy = StatePolicy(country="NL", valid_from=DAY - timedelta(days=10), takes_back=TakesBack.CHILDREN_ONLY)

    saved = services.state_policy_save(policy=policy, actor=orgadmin_a)

    assert saved.organisation_id == orgadmin_a.organisation_id
    assert saved.history.first().history_user == orgadmin_a
    assert AuditEvent.objects.filter(action="policies.policy.created", target_id=str(saved.public_id)).exists()
    shared = factories.StatePolicyFactory(country="NL")
    other = factories.StatePolicyFactory(organisation=org_b, country="NL")
    for row in (shared, other):
        row.notes = "changed"
        with pytest.raises(PermissionDenied):
            services.state_policy_save(policy=row, actor=orgadmin_a)


def test_policies_are_visible_as_shared_defaults_and_own_organisations(caseworker_a, org_a, org_b):
    shared = factories.StatePolicyFactory(country="FR")
    own = factories.StatePolicyFactory(organisation=org_a, country="FR", valid_from=date(2024, 1, 1))
    factories.StatePolicyFactory(organisation=org_b, country="FR", valid_from=date(2025, 1, 1))

    assert set(StatePolicy.objects.visible_to(caseworker_a)) == {shared, own}

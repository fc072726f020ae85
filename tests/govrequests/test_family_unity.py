"""The family-unity check: separations found from decisions and handover plans, and the handover guard."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.govrequests import family_unity, services
from casework.govrequests.choices import Decision, RequestStatus
from casework.people import services as people_services
from casework.people.choices import AssessmentKind, AssessmentOutcome, CaseStatus, Relation, Sex
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def family(org_a, supervisor_a):
    """A mother and two children in the camps, linked both ways."""
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE, given_name_lat="Samira")
    first = factories.PersonFactory(organisation=org_a, child=True, given_name_lat="Yusuf")
    second = factories.PersonFactory(organisation=org_a, child=True, given_name_lat="Maryam")
    for child in (first, second):
        people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
    people_services.family_link_create(person=first, relative=second, relation=Relation.SIBLING, actor=supervisor_a)
    return mother, first, second


def _decided(org_a, persons_decisions: dict) -> object:
    request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, status=RequestStatus.PARTIALLY_ACCEPTED, decided_on=TODAY
    )
    for person, decision in persons_decisions.items():
        factories.RequestedPersonFactory(request=request, person=person, decision=decision)
    return request


def _pairs(separations) -> set:
    return {(s.child.pk, s.relative.pk, s.child_leaves, s.staying_decision) for s in separations}


def test_children_accepted_and_mother_refused_separates_each_child_from_her(org_a, family):
    mother, first, second = family
    request = _decided(org_a, {mother: Decision.REFUSED, first: Decision.ACCEPTED, second: Decision.ACCEPTED})

    separations = family_unity.request_separations(request)

    assert _pairs(separations) == {
        (first.pk, mother.pk, True, Decision.REFUSED),
        (second.pk, mother.pk, True, Decision.REFUSED),
    }
    sentence = family_unity.describe(separations[0], {mother.pk, first.pk, second.pk})
    assert "Samira" in sentence and "mother" in sentence and "refused" in sentence


def test_one_sibling_accepted_and_another_refused_is_flagged(org_a, family):
    mother, first, second = family
    request = _decided(org_a, {mother: Decision.ACCEPTED, first: Decision.ACCEPTED, second: Decision.REFUSED})

    separations = family_unity.request_separations(request)

    # The refused child stays without their mother and without their sibling.
    assert _pairs(separations) == {
        (second.pk, mother.pk, False, Decision.REFUSED),
        (second.pk, first.pk, False, Decision.REFUSED),
    }
    assert {s.is_parent for s in separations} == {True, False}


def test_a_sibling_not_covered_by_the_request_is_flagged(org_a, family):
    mother, first, second = family
    request = _decided(org_a, {mother: Decision.ACCEPTED, first: Decision.ACCEPTED})

    separations = family_unity.request_separations(request)

    assert {(s.child.pk, s.relative.pk) for s in separations} >= {(second.pk, mother.pk)}
    assert all(s.staying_decision is None for s in separations)
    assert "not covered" in family_unity.describe(separations[0], {mother.pk, first.pk, second.pk})


def test_a_child_with_no_parent_or_sibling_in_the_camps_is_not_flagged(org_a, supervisor_a):
    alone = factories.PersonFactory(organisation=org_a, child=True)
    orphan = factories.PersonFactory(organisation=org_a, child=True)
    returned_mother = factories.PersonFactory(organisation=org_a, status=CaseStatus.REPATRIATED)
    dead_father = factories.PersonFactory(organisation=org_a, sex=Sex.MALE, date_of_death=date(2019, 2, 1))
    for parent, relation in ((returned_mother, Relation.MOTHER), (dead_father, Relation.FATHER)):
        people_services.family_link_create(person=orphan, relative=parent, relation=relation, actor=supervisor_a)
    request = _decided(org_a, {alone: Decision.ACCEPTED, orphan: Decision.ACCEPTED})

    assert family_unity.request_separations(request) == []


def test_a_whole_family_accepted_is_not_flagged(org_a, family):
    request = _decided(org_a, dict.fromkeys(family, Decision.ACCEPTED))

    assert family_unity.request_separations(request) == []


def test_separations_of_many_requests_are_found_in_constant_queries(org_a, supervisor_a, django_assert_num_queries):
    requests = []
    for _ in range(5):
        mother = factories.PersonFactory(organisation=org_a)
        child = factories.PersonFactory(organisation=org_a, child=True)
        people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
        requests.append(_decided(org_a, {mother: Decision.REFUSED, child: Decision.ACCEPTED}))

    # The covered rows with their persons; the family links with their relatives.
    with django_assert_num_queries(2):
        found = family_unity.separations_for_requests([r.pk for r in requests])

    assert set(found) == {r.pk for r in requests}


# --- The handover guard ----------------------------------------------------------------------------


@pytest.fixture
def split_request(org_a, family, supervisor_a):
    mother, first, second = family
    return _decided(org_a, {mother: Decision.REFUSED, first: Decision.ACCEPTED, second: Decision.ACCEPTED})


def _plan(request, persons, actor):
    return services.handover_plan(
        gov_request=request, persons=persons, planned_on=TODAY + timedelta(days=10), place="Semalka", actor=actor
    )


def _bid(child, outcome=AssessmentOutcome.RETURN_WITHOUT_PARENT, **kwargs):
    return factories.AssessmentFactory(
        person=child, kind=AssessmentKind.BID, assessed_on=TODAY - timedelta(days=3), outcome=outcome, **kwargs
    )


def _consent(parent, given=True):
    return factories.AssessmentFactory(
        person=parent, kind=AssessmentKind.CONSENT, assessed_on=TODAY - timedelta(days=2), consent_given=given
    )


def test_a_handover_separating_children_from_their_mother_is_refused_without_a_bid(split_request, family, supervisor_a):
    mother, first, second = family
    _consent(mother)

    with pytest.raises(DomainError, match="best-interests determination") as refused:
        _plan(split_request, [first, second], supervisor_a)

    assert first.case_number in str(refused.value) and mother.case_number in str(refused.value)
    assert not split_request.handovers.exists()


def test_a_bid_that_is_not_completed_or_says_stay_together_does_not_allow_the_separation(
    split_request, family, supervisor_a
):
    mother, first, second = family
    _consent(mother)
    _bid(first, outcome="")
    _bid(second, outcome=AssessmentOutcome.STAY_WITH_FAMILY)

    with pytest.raises(DomainError, match="best-interests determination"):
        _plan(split_request, [first, second], supervisor_a)


def test_a_handover_separating_a_child_needs_the_mothers_consent(split_request, family, supervisor_a):
    mother, first, second = family
    _bid(first)
    _bid(second)
    _consent(mother, given=False)

    with pytest.raises(DomainError, match="consent"):
        _plan(split_request, [first, second], supervisor_a)


def test_a_handover_separating_a_child_needs_the_approval_permission(split_request, family, caseworker_a):
    mother, first, second = family
    _bid(first)
    _bid(second)
    _consent(mother)
    caseworker_a.user_permissions.add(Permission.objects.get(codename="add_handoveroperation"))

    with pytest.raises(DomainError, match="allowed to approve"):
        _plan(split_request, [first, second], caseworker_a)


def test_a_handover_with_bid_consent_and_approval_is_planned_and_the_approval_recorded(
    split_request, family, supervisor_a
):
    mother, first, second = family
    _bid(first)
    _bid(second, valid_until=TODAY + timedelta(days=30))
    _consent(mother)

    operation = _plan(split_request, [first, second], supervisor_a)

    event = AuditEvent.objects.get(
        action="govrequests.handover.separation_approved", target_id=str(operation.public_id)
    )
    assert {entry["child"] for entry in event.data["separations"]} == {str(first.public_id), str(second.public_id)}
    assert "Samira" not in str(event.data)


def test_an_expired_bid_does_not_allow_the_separation(split_request, family, supervisor_a):
    mother, first, second = family
    _bid(first, valid_until=TODAY - timedelta(days=1))
    _bid(second)
    _consent(mother)

    with pytest.raises(DomainError, match="best-interests determination"):
        _plan(split_request, [first, second], supervisor_a)


def test_a_handover_splitting_only_siblings_is_flagged_but_not_refused(org_a, supervisor_a):
    older = factories.PersonFactory(organisation=org_a, child=True)
    younger = factories.PersonFactory(organisation=org_a, child=True)
    people_services.family_link_create(person=older, relative=younger, relation=Relation.SIBLING, actor=supervisor_a)
    request = _decided(org_a, {older: Decision.ACCEPTED, younger: Decision.REFUSED})

    assert family_unity.handover_separations(request, [older])
    operation = _plan(request, [older], supervisor_a)

    assert operation.handed_persons.count() == 1

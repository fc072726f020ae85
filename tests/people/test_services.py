"""People services: registration, optimistic concurrency, case transitions, assignment, family, custody."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.models import AuditEvent
from casework.govrequests.choices import Decision, HandoverStatus
from casework.people import services
from casework.people.choices import CaseStatus, ClaimStatus, Relation, Sex
from casework.people.models import CustodyPeriod, FamilyLink, NationalityClaim, Person, PersonStatusChange
from tests import factories

pytestmark = pytest.mark.django_db


def _new_person(**kwargs) -> Person:
    return Person(given_name_lat="Amina", family_name_lat="Haddad", sex=Sex.FEMALE, **kwargs)


# --- Registration -------------------------------------------------------------------------------


def test_register_numbers_cases_per_organisation(caseworker_a, caseworker_b):
    first = services.person_register(person=_new_person(), actor=caseworker_a)
    second = services.person_register(person=_new_person(), actor=caseworker_a)
    other = services.person_register(person=_new_person(), actor=caseworker_b)
    assert (first.case_number, second.case_number, other.case_number) == ("ORGA-000001", "ORGA-000002", "ORGB-000001")
    assert first.organisation == caseworker_a.organisation
    assert first.created_by == caseworker_a


def test_register_records_history_and_audit_with_the_actor(caseworker_a):
    person = services.person_register(person=_new_person(), actor=caseworker_a)
    assert person.history.get().history_user == caseworker_a
    event = AuditEvent.objects.get(action="people.person.registered")
    assert event.actor == caseworker_a
    assert event.target_id == str(person.public_id)
    assert "Amina" not in str(event.data)


def test_register_refuses_another_organisation(caseworker_a, org_b):
    with pytest.raises(PermissionDenied):
        services.person_register(person=_new_person(organisation=org_b), actor=caseworker_a)
    assert not Person.objects.exists()


def test_register_with_bad_dates_saves_nothing_and_keeps_the_case_counter(caseworker_a, org_a):
    person = _new_person(birth_date=date(2015, 1, 1), birth_date_precision="exact", date_of_death=date(2010, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.person_register(person=person, actor=caseworker_a)
    assert "date_of_death" in excinfo.value.message_dict
    org_a.refresh_from_db()
    assert org_a.last_case_number == 0
    assert not Person.objects.exists()


# --- Optimistic concurrency ---------------------------------------------------------------------


def test_update_detects_a_concurrent_edit_and_names_the_changed_field(caseworker_a, supervisor_a, person_a):
    opened_at = person_a.updated_at
    theirs = Person.objects.get(pk=person_a.pk)
    theirs.place_of_birth = "Mosul"
    services.person_update(person=theirs, actor=supervisor_a, expected_updated_at=opened_at)

    mine = Person.objects.get(pk=person_a.pk)
    mine.place_of_birth = "Raqqa"
    mine.updated_at = opened_at  # the version my form was built from
    with pytest.raises(services.ConcurrentEditError) as excinfo:
        services.person_update(person=mine, actor=caseworker_a, expected_updated_at=opened_at)
    assert "place_of_birth" in excinfo.value.changed_fields
    assert Person.objects.get(pk=person_a.pk).place_of_birth == "Mosul"


def test_update_without_conflict_saves_and_never_touches_status(caseworker_a, person_a):
    person_a.place_of_birth = "Deir ez-Zor"
    person_a.status = CaseStatus.REPATRIATED  # forged: status only moves through transitions
    services.person_update(person=person_a, actor=caseworker_a, expected_updated_at=person_a.updated_at)
    person_a.refresh_from_db()
    assert person_a.place_of_birth == "Deir ez-Zor"
    assert person_a.status == CaseStatus.REGISTERED


def test_update_of_invisible_person_is_denied(caseworker_a, person_b):
    person_b.place_of_birth = "x"
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_b, actor=caseworker_a)


# --- Case transitions ---------------------------------------------------------------------------

ALL_MOVES = [(a, b) for a in CaseStatus.values for b in CaseStatus.values]
ILLEGAL_MOVES = [(a, b) for a, b in ALL_MOVES if b not in Person.TRANSITIONS.get(a, frozenset())]


@pytest.mark.parametrize(("current", "target"), ILLEGAL_MOVES)
def test_every_move_not_in_the_table_raises(current, target, caseworker_a, org_a):
    person = factories.PersonFactory(
        organisation=org_a, status=current, closure_reason="repatriated" if current == "closed" else ""
    )
    with pytest.raises(TransitionNotAllowed):
        services.person_transition(person=person, to=target, actor=caseworker_a, note="n", closure_reason="deceased")
    person.refresh_from_db()
    assert person.status == current
    assert not PersonStatusChange.objects.exists()


UNGUARDED_MOVES = [
    (a, b)
    for a, targets in Person.TRANSITIONS.items()
    for b in sorted(targets)
    if b
    not in {
        CaseStatus.REQUEST_PENDING,
        CaseStatus.ACCEPTED,
        CaseStatus.REFUSED,
        CaseStatus.HANDOVER_SCHEDULED,
        CaseStatus.HANDED_OVER,
    }
]


@pytest.mark.parametrize(("current", "target"), UNGUARDED_MOVES)
def test_every_unguarded_legal_move_is_recorded(current, target, caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=current)
    services.person_transition(
        person=person, to=target, actor=caseworker_a, note="because", closure_reason="lost_contact"
    )
    person.refresh_from_db()
    assert person.status == target
    change = PersonStatusChange.objects.get(person=person)
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        current,
        target,
        caseworker_a,
        "because",
    )
    assert AuditEvent.objects.filter(action="people.person.status_changed", target_id=str(person.public_id)).exists()


def test_on_hold_and_closing_need_a_reason(caseworker_a, person_a):
    with pytest.raises(DomainError, match="reason"):
        services.person_transition(person=person_a, to=CaseStatus.ON_HOLD, actor=caseworker_a, note=" ")
    with pytest.raises(DomainError, match="closure reason"):
        services.person_transition(person=person_a, to=CaseStatus.CLOSED, actor=caseworker_a, note="done")


def test_accepted_needs_an_accepted_decision(caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=CaseStatus.REQUEST_PENDING)
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    membership = factories.RequestedPersonFactory(request=request, person=person)
    with pytest.raises(TransitionNotAllowed, match="No accepted decision yet"):
        services.person_transition(person=person, to=CaseStatus.ACCEPTED, actor=caseworker_a)
    membership.decision = Decision.ACCEPTED
    membership.save()
    services.person_transition(person=person, to=CaseStatus.ACCEPTED, actor=caseworker_a)
    assert Person.objects.get(pk=person.pk).status == CaseStatus.ACCEPTED


def test_request_pending_needs_a_submitted_request(caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=CaseStatus.READY_FOR_REQUEST)
    draft = factories.GovernmentRequestFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=draft, person=person)
    with pytest.raises(TransitionNotAllowed, match="not covered by any submitted"):
        services.person_transition(person=person, to=CaseStatus.REQUEST_PENDING, actor=caseworker_a)
    sent = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=sent, person=person)
    services.person_transition(person=person, to=CaseStatus.REQUEST_PENDING, actor=caseworker_a)


def test_refused_needs_a_refusal(caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=CaseStatus.REQUEST_PENDING)
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=request, person=person, decision=Decision.ACCEPTED)
    with pytest.raises(TransitionNotAllowed, match="No refusal"):
        services.person_transition(person=person, to=CaseStatus.REFUSED, actor=caseworker_a)
    factories.RequestedPersonFactory(
        request=factories.GovernmentRequestFactory(organisation=org_a, submitted=True),
        person=person,
        decision=Decision.REFUSED,
    )
    services.person_transition(person=person, to=CaseStatus.REFUSED, actor=caseworker_a)


def test_handover_scheduled_needs_a_handover_operation(caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=CaseStatus.ACCEPTED)
    with pytest.raises(TransitionNotAllowed, match="not on any handover"):
        services.person_transition(person=person, to=CaseStatus.HANDOVER_SCHEDULED, actor=caseworker_a)
    factories.HandoverPersonFactory(operation__organisation=org_a, person=person)
    services.person_transition(person=person, to=CaseStatus.HANDOVER_SCHEDULED, actor=caseworker_a)


def test_handed_over_needs_accepted_decision_and_signed_handover_document(caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, status=CaseStatus.HANDOVER_SCHEDULED)
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    membership = factories.RequestedPersonFactory(request=request, person=person)
    operation = factories.HandoverOperationFactory(organisation=org_a, request=request)
    factories.HandoverPersonFactory(operation=operation, person=person)

    with pytest.raises(TransitionNotAllowed, match="No accepted decision yet"):
        services.person_transition(person=person, to=CaseStatus.HANDED_OVER, actor=caseworker_a)
    membership.decision = Decision.ACCEPTED
    membership.save()
    with pytest.raises(TransitionNotAllowed, match="No signed handover document"):
        services.person_transition(person=person, to=CaseStatus.HANDED_OVER, actor=caseworker_a)
    operation.handover_document.save("signed.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=False)
    operation.document_signed_on = date(2025, 6, 1)
    operation.status = HandoverStatus.COMPLETED
    operation.save()
    services.person_transition(person=person, to=CaseStatus.HANDED_OVER, actor=caseworker_a)
    assert Person.objects.get(pk=person.pk).status == CaseStatus.HANDED_OVER


def test_transition_needs_the_capability(auditor_a, person_a):
    with pytest.raises(PermissionDenied):
        services.person_transition(person=person_a, to=CaseStatus.IDENTITY_IN_PROGRESS, actor=auditor_a)


def test_transition_of_another_organisations_case_is_denied(caseworker_a, person_b):
    with pytest.raises(PermissionDenied):
        services.person_transition(person=person_b, to=CaseStatus.IDENTITY_IN_PROGRESS, actor=caseworker_a)
    assert Person.objects.get(pk=person_b.pk).status == CaseStatus.REGISTERED


# --- Assignment ---------------------------------------------------------------------------------


def test_supervisor_assigns_within_the_organisation(supervisor_a, fieldworker_a, caseworker_b, person_a):
    services.person_assign(person=person_a, assignee=fieldworker_a, actor=supervisor_a)
    assert Person.objects.get(pk=person_a.pk).assigned_to == fieldworker_a
    with pytest.raises(DomainError):
        services.person_assign(person=person_a, assignee=caseworker_b, actor=supervisor_a)


def test_caseworker_cannot_assign(caseworker_a, fieldworker_a, person_a):
    with pytest.raises(PermissionDenied):
        services.person_assign(person=person_a, assignee=fieldworker_a, actor=caseworker_a)


# --- Family links -------------------------------------------------------------------------------


def test_family_link_is_written_both_ways(caseworker_a, org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    child = factories.PersonFactory(organisation=org_a, sex=Sex.MALE, child=True)
    services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)
    assert FamilyLink.objects.get(person=child, relative=mother).relation == Relation.MOTHER
    assert FamilyLink.objects.get(person=mother, relative=child).relation == Relation.CHILD
    # And from the child's side, the inverse of "child" depends on the parent's sex.
    father = factories.PersonFactory(organisation=org_a, sex=Sex.MALE)
    services.family_link_create(person=father, relative=child, relation=Relation.CHILD, actor=caseworker_a)
    assert FamilyLink.objects.get(person=child, relative=father).relation == Relation.FATHER


def test_family_link_across_organisations_is_refused(supervisor_a, person_a, person_b):
    with pytest.raises(PermissionDenied):
        services.family_link_create(person=person_a, relative=person_b, relation=Relation.SIBLING, actor=supervisor_a)
    assert not FamilyLink.objects.exists()


# --- Custody ------------------------------------------------------------------------------------


def test_move_closes_the_current_period_on_the_day_of_the_move(caseworker_a, person_a):
    camp = factories.FacilityFactory(name="al-Hol")
    centre = factories.FacilityFactory(name="Houri", kind="rehabilitation_centre")
    services.custody_move(
        person=person_a, facility=camp, start_date=date(2019, 3, 20), actor=caseworker_a, reason="initial"
    )
    services.custody_move(
        person=person_a, facility=centre, start_date=date(2024, 5, 2), actor=caseworker_a, reason="age_transfer"
    )
    periods = list(CustodyPeriod.objects.filter(person=person_a).order_by("start_date"))
    assert [(p.facility.name, p.start_date, p.end_date) for p in periods] == [
        ("al-Hol", date(2019, 3, 20), date(2024, 5, 2)),
        ("Houri", date(2024, 5, 2), None),
    ]
    assert periods[0].history.first().history_user == caseworker_a


def test_move_dated_before_the_current_period_is_refused(caseworker_a, person_a):
    camp = factories.FacilityFactory()
    services.custody_move(person=person_a, facility=camp, start_date=date(2020, 1, 1), actor=caseworker_a)
    with pytest.raises(DomainError):
        services.custody_move(person=person_a, facility=camp, start_date=date(2019, 1, 1), actor=caseworker_a)
    assert CustodyPeriod.objects.filter(person=person_a).count() == 1


# --- Nationality claims -------------------------------------------------------------------------


def test_claim_moves_through_verification_to_confirmed(caseworker_a, person_a):
    claim = factories.NationalityClaimFactory(person=person_a)
    for status in (ClaimStatus.UNDER_VERIFICATION, ClaimStatus.DNA_PENDING, ClaimStatus.CONFIRMED):
        claim = services.nationality_claim_transition(claim=claim, to=status, actor=caseworker_a)
    assert NationalityClaim.objects.get(pk=claim.pk).status == ClaimStatus.CONFIRMED
    with pytest.raises(TransitionNotAllowed):
        services.nationality_claim_transition(claim=claim, to=ClaimStatus.CLAIMED, actor=caseworker_a)


@pytest.mark.parametrize(
    ("current", "target"),
    [(a, b) for a in ClaimStatus.values for b in ClaimStatus.values if b not in NationalityClaim.TRANSITIONS[a]],
)
def test_every_claim_move_not_in_the_table_raises(current, target, caseworker_a, person_a):
    claim = factories.NationalityClaimFactory(person=person_a, status=current)
    with pytest.raises(TransitionNotAllowed):
        services.nationality_claim_transition(claim=claim, to=target, actor=caseworker_a)


def test_claim_of_another_organisation_is_denied(caseworker_a, person_b):
    claim = factories.NationalityClaimFactory(person=person_b)
    with pytest.raises(PermissionDenied):
        services.nationality_claim_transition(claim=claim, to=ClaimStatus.UNDER_VERIFICATION, actor=caseworker_a)


def test_age_milestone_uses_the_earliest_plausible_birth_date():
    person = factories.PersonFactory.build(
        birth_date=date.today() - timedelta(days=365 * 11 + 10), birth_date_precision="year"
    )
    person.refresh_derived_fields()
    assert person.age_on(date.today()) >= 11


def test_caseworker_cannot_reassign_through_an_edit(caseworker_a, fieldworker_a, person_a):
    person_a.assigned_to = fieldworker_a
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_a, actor=caseworker_a)
    assert Person.objects.get(pk=person_a.pk).assigned_to == caseworker_a


def test_caseworker_registers_a_case_for_themselves_but_not_for_a_colleague(caseworker_a, fieldworker_a):
    mine = services.person_register(person=_new_person(assigned_to=caseworker_a), actor=caseworker_a)
    assert mine.assigned_to == caseworker_a
    with pytest.raises(PermissionDenied):
        services.person_register(person=_new_person(assigned_to=fieldworker_a), actor=caseworker_a)


def test_the_same_family_link_twice_is_a_domain_error(caseworker_a, org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    child = factories.PersonFactory(organisation=org_a, child=True)
    services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)
    with pytest.raises(DomainError, match="already recorded"):
        services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)

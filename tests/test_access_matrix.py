"""Access matrix: every role of two organisations against every scoped model.

A user sees the records of their own organisation (assigned-only caseworkers: their own cases),
never another organisation's; superusers see everything; a user without organisation nothing.
"""

import pytest
from django.utils import timezone

from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    FollowUpItem,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.legal.models import Hearing, LegalProceeding
from casework.matching.models import DuplicatePair
from casework.outbox.models import OutboundMessage
from casework.people.models import (
    Alias,
    Assessment,
    CustodyPeriod,
    DnaTest,
    FamilyLink,
    Household,
    IdentityDocument,
    JourneyToSyria,
    NationalityClaim,
    Person,
    PersonStatusChange,
    ReturnAssessment,
)
from casework.reminders.models import Reminder
from casework.screenings.models import CustodyEntry, Screening
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    HearingFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)

pytestmark = pytest.mark.django_db


def _records_about(person, org):
    """One record of every scoped model about `person` (owned by `org`)."""
    request = factories.GovernmentRequestFactory(organisation=org, submitted=True)
    operation = factories.HandoverOperationFactory(organisation=org, request=request)
    sibling = factories.PersonFactory(organisation=org, assigned_to=person.assigned_to)
    covered = factories.RequestedPersonFactory(request=request, person=person)
    # Sent, so that two record sets of one organisation and authority do not meet the one-open-draft rule.
    followup = factories.AuthorityFollowUpFactory(organisation=org, authority=request.authority, status="sent")
    FollowUpItem.objects.create(followup=followup, requested_person=covered)
    disclosure = Disclosure.objects.create(
        organisation=org,
        authority=request.authority,
        followup=followup,
        disclosed_at=timezone.now(),
        disclosed_by=person.assigned_to,
        authority_name=request.authority.name,
        to_email="mfa@fr.example",
        language="fr",
        fields=["case_number"],
    )
    household = factories.HouseholdFactory(organisation=org)
    proceeding = LegalProceedingFactory(person=person)
    person.household = household
    person.save(update_fields=["household"])
    return {
        Person: person,
        Alias: factories.AliasFactory(person=person),
        FamilyLink: factories.FamilyLinkFactory(person=person, relative=sibling),
        CustodyPeriod: factories.CustodyPeriodFactory(person=person),
        NationalityClaim: factories.NationalityClaimFactory(person=person),
        IdentityDocument: factories.IdentityDocumentFactory(person=person),
        DnaTest: factories.DnaTestFactory(person=person),
        Assessment: factories.AssessmentFactory(person=person),
        Screening: factories.ScreeningFactory(person=person),
        CustodyEntry: CustodyEntryFactory(person=person),
        JourneyToSyria: JourneyToSyriaFactory(person=person),
        ReturnAssessment: ReturnAssessmentFactory(person=person),
        LegalProceeding: proceeding,
        Hearing: HearingFactory(proceeding=proceeding),
        PersonStatusChange: PersonStatusChange.objects.create(
            person=person, old_status="registered", new_status="on_hold"
        ),
        Household: household,  # of the person's case: assigned-only users see only their cases' households
        GovernmentRequest: request,
        RequestedPerson: covered,
        AuthorityFollowUp: followup,
        Disclosure: disclosure,
        DisclosedPerson: DisclosedPerson.objects.create(
            disclosure=disclosure, person=person, case_number=person.case_number
        ),
        RequestEvent: factories.RequestEventFactory(request=request),
        RequestStatusChange: RequestStatusChange.objects.create(
            request=request, old_status="draft", new_status="submitted"
        ),
        HandoverOperation: operation,
        HandoverPerson: factories.HandoverPersonFactory(operation=operation, person=person),
        Reminder: factories.ReminderFactory(person=person, recipient=person.assigned_to),
        # Addressed to the case's caseworker: assigned-only users see the e-mails addressed to them only.
        OutboundMessage: factories.OutboundMessageFactory(recipient=person.assigned_to),
        # Two cases of the same caseworker: assigned-only users see a pair only when both persons are theirs.
        DuplicatePair: DuplicatePair.objects.create(
            organisation=org, person_a=person, person_b=sibling, score=0.8, fingerprint="x"
        ),
    }


@pytest.fixture
def world(org_a, org_b, caseworker_a, fieldworker_a, caseworker_b):
    """Records about a case of A assigned to caseworker_a, one assigned to fieldworker_a, and a case of B."""
    return {
        "a_assigned_to_caseworker": _records_about(
            factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a), org_a
        ),
        "a_assigned_to_fieldworker": _records_about(
            factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a), org_a
        ),
        "b": _records_about(factories.PersonFactory(organisation=org_b, assigned_to=caseworker_b), org_b),
    }


# role fixture -> which of the three record sets it must see
EXPECTED = {
    "caseworker_a": {"a_assigned_to_caseworker", "a_assigned_to_fieldworker"},
    "supervisor_a": {"a_assigned_to_caseworker", "a_assigned_to_fieldworker"},
    "orgadmin_a": {"a_assigned_to_caseworker", "a_assigned_to_fieldworker"},
    "auditor_a": {"a_assigned_to_caseworker", "a_assigned_to_fieldworker"},
    "fieldworker_a": {"a_assigned_to_fieldworker"},
    "caseworker_b": {"b"},
    "supervisor_b": {"b"},
    "superuser": {"a_assigned_to_caseworker", "a_assigned_to_fieldworker", "b"},
}

MODELS = [
    Person,
    Alias,
    FamilyLink,
    CustodyPeriod,
    NationalityClaim,
    IdentityDocument,
    DnaTest,
    Assessment,
    Screening,
    CustodyEntry,
    JourneyToSyria,
    ReturnAssessment,
    LegalProceeding,
    Hearing,
    PersonStatusChange,
    GovernmentRequest,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
    HandoverOperation,
    HandoverPerson,
    AuthorityFollowUp,
    Disclosure,
    DisclosedPerson,
    Reminder,
    OutboundMessage,
    Household,
    DuplicatePair,
]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_scope_of_every_model(role, request, world):
    user = request.getfixturevalue(role)
    for model in MODELS:
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        for name, records in world.items():
            should_see = name in EXPECTED[role]
            assert (records[model].pk in visible) is should_see, f"{role} / {model.__name__} / {name}"


@pytest.mark.parametrize("role", ["caseworker_a", "caseworker_b", "superuser"])
def test_households_are_scoped_to_the_organisation(role, request, world):
    user = request.getfixturevalue(role)
    visible = set(Household.objects.visible_to(user).values_list("pk", flat=True))
    for name, records in world.items():
        expected = (
            role == "superuser"
            or (name.startswith("a") and role.endswith("_a"))
            or (name == "b" and role.endswith("_b"))
        )
        assert (records[Household].pk in visible) is expected


def test_user_without_organisation_sees_nothing(world):
    orphan = factories.UserFactory(username="orphan", organisation=None, is_active=False)
    for model in MODELS:
        assert not model.objects.visible_to(orphan).exists(), model.__name__


def test_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for model in MODELS:
        assert not model.objects.visible_to(AnonymousUser()).exists(), model.__name__


def test_organisations_are_scoped_to_the_users_own(caseworker_a, org_a, org_b, superuser):
    from casework.accounts.models import Organisation

    assert list(Organisation.objects.visible_to(caseworker_a)) == [org_a]
    assert set(Organisation.objects.visible_to(superuser)) >= {org_a, org_b}


@pytest.mark.parametrize(
    ("role", "sees"),
    [("caseworker", False), ("auditor", False), ("supervisor", True), ("organisation_admin", True)],
)
def test_only_supervisors_and_organisation_admins_see_the_organisations_figures(client_for, org_a, role, sees):
    from casework.pages.views import ORGANISATION_FIGURES_PERMISSION

    user = factories.UserFactory(username=f"figures_{role}", organisation=org_a, role=role)

    assert ORGANISATION_FIGURES_PERMISSION == "accounts.view_organisation_figures"
    assert user.has_perm(ORGANISATION_FIGURES_PERMISSION) is sees
    assert client_for(user).get("/").context["sees_organisation"] is sees


def test_audit_events_are_scoped_by_their_organisation_id(caseworker_a, auditor_a, org_a, org_b, superuser):
    from casework.core.models import AuditEvent

    mine = AuditEvent.objects.create(organisation_id=org_a.pk, action="test.event")
    theirs = AuditEvent.objects.create(organisation_id=org_b.pk, action="test.event")

    assert set(AuditEvent.objects.visible_to(auditor_a)) == {mine}
    assert set(AuditEvent.objects.visible_to(superuser)) >= {mine, theirs}

"""Fixtures of the admin tests: plain static files, and one record of every registered model per organisation."""

from datetime import date

import pytest
from django.utils import timezone

from casework.core.models import AuditEvent, WorkerHeartbeat
from casework.govrequests.models import RequestStatusChange
from casework.people.models import PersonStatusChange
from tests import factories


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static URLs without the collectstatic manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _records_of(org, *, assignee, caseworker, facility, section, authority):
    """One row of every organisation-owned model about a case of `org` assigned to `assignee`."""
    from casework.accounts.models import Organisation, User
    from casework.govrequests.models import (
        AnswerPeriod,
        AuthorityFollowUp,
        DisclosedPerson,
        Disclosure,
        DisclosurePolicy,
        FollowUpItem,
        GovernmentRequest,
        HandoverOperation,
        RequestEvent,
    )
    from casework.legal.models import Hearing, LegalProceeding
    from casework.outbox.models import OutboundMessage
    from casework.people.models import (
        Assessment,
        CustodyPeriod,
        DnaTest,
        Household,
        IdentityDocument,
        NationalityClaim,
        Person,
    )
    from casework.policies.models import StatePolicy
    from casework.reminders.choices import RuleKind
    from casework.reminders.models import Reminder, ReminderRule
    from casework.screenings.models import CustodyEntry, Screening
    from tests.legal.factories import CustodyEntryFactory, HearingFactory, LegalProceedingFactory

    # The person's household: assigned-only users see the households of their cases only.
    person = factories.PersonFactory(
        organisation=org,
        assigned_to=assignee,
        case_number=f"{org.code}-900001",
        household=factories.HouseholdFactory(organisation=org),
    )
    sibling = factories.PersonFactory(organisation=org, assigned_to=assignee, case_number=f"{org.code}-900002")
    factories.AliasFactory(person=person)
    factories.FamilyLinkFactory(person=person, relative=sibling)
    request = factories.GovernmentRequestFactory(organisation=org, submitted=True, reference=f"{org.code}-REQ-1")
    factories.RequestedPersonFactory(request=request, person=person)
    operation = factories.HandoverOperationFactory(organisation=org, request=request)
    factories.HandoverPersonFactory(operation=operation, person=person)
    followup = factories.AuthorityFollowUpFactory(organisation=org, authority=request.authority)
    FollowUpItem.objects.create(followup=followup, requested_person=request.covered.get())
    disclosure = Disclosure.objects.create(
        organisation=org,
        authority=request.authority,
        disclosed_at=timezone.now(),
        disclosed_by=caseworker,
        authority_name=request.authority.name,
        to_email="mfa@fr.example",
        language="fr",
        fields=["case_number"],
    )
    DisclosedPerson.objects.create(disclosure=disclosure, person=person, case_number=person.case_number)
    proceeding = LegalProceedingFactory(person=person)
    return {
        Organisation: org,
        User: caseworker,
        Person: person,
        Household: person.household,
        CustodyPeriod: factories.CustodyPeriodFactory(person=person, facility=facility, section=section),
        NationalityClaim: factories.NationalityClaimFactory(person=person),
        IdentityDocument: factories.IdentityDocumentFactory(person=person),
        DnaTest: factories.DnaTestFactory(person=person),
        Assessment: factories.AssessmentFactory(person=person),
        Screening: factories.ScreeningFactory(person=person, authority=authority, facility=facility),
        CustodyEntry: CustodyEntryFactory(person=person),
        LegalProceeding: proceeding,
        Hearing: HearingFactory(proceeding=proceeding),
        PersonStatusChange: PersonStatusChange.objects.create(
            person=person, old_status="registered", new_status="on_hold", note="test"
        ),
        GovernmentRequest: request,
        RequestEvent: factories.RequestEventFactory(request=request),
        RequestStatusChange: RequestStatusChange.objects.create(
            request=request, old_status="draft", new_status="submitted"
        ),
        HandoverOperation: operation,
        DisclosurePolicy: DisclosurePolicy.objects.create(organisation=org, country="FR", fields=["case_number"]),
        AnswerPeriod: AnswerPeriod.objects.create(
            organisation=org, country="FR", acknowledgement_days=21, decision_days=90
        ),
        AuthorityFollowUp: followup,
        Disclosure: disclosure,
        AuditEvent: AuditEvent.objects.create(
            organisation_id=org.pk, action="test.event", target_id=f"{org.code}-event"
        ),
        Reminder: factories.ReminderFactory(person=person, recipient=assignee),
        ReminderRule: ReminderRule.objects.create(
            kind=RuleKind.CASE_INACTIVE, organisation=org, offsets=[20], recipients=["supervisors"]
        ),
        StatePolicy: factories.StatePolicyFactory(organisation=org, country="BE", valid_from=date(2021, 3, 1)),
        # Addressed to the assignee: assigned-only users see only the e-mails addressed to them.
        OutboundMessage: factories.OutboundMessageFactory(recipient=assignee),
    }


@pytest.fixture
def world(org_a, org_b, caseworker_a, fieldworker_a, caseworker_b):
    """Records of organisation A (its case assigned to the assigned-only fieldworker, so every role of A
    sees them), the same for organisation B, and the shared reference data."""
    from casework.camps.models import ControllingAuthority, Facility, FacilitySection
    from casework.govrequests.models import GovernmentAuthority

    facility = factories.FacilityFactory(name="Roj")
    section = factories.FacilitySectionFactory(facility=facility, name="Phase 1")
    authority = factories.ControllingAuthorityFactory()
    factories.FacilityControlPeriodFactory(facility=facility, authority=authority, start_date=date(2019, 3, 1))
    shared = {
        Facility: facility,
        FacilitySection: section,
        ControllingAuthority: authority,
        GovernmentAuthority: factories.GovernmentAuthorityFactory(),
        WorkerHeartbeat: WorkerHeartbeat.objects.create(worker="worker@host", last_seen_at=timezone.now()),
    }
    common = {"facility": facility, "section": section, "authority": authority}
    return {
        "a": _records_of(org_a, assignee=fieldworker_a, caseworker=caseworker_a, **common),
        "b": _records_of(org_b, assignee=caseworker_b, caseworker=caseworker_b, **common),
        "shared": shared,
    }

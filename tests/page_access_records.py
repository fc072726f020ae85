"""Fixtures of the page access tests: one record of every kind the pages show, of organisation A, about a case
assigned to caseworker_a (registered for every test module by `pytest_plugins` in `tests/conftest.py`)."""

from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile

from casework.govrequests import services
from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.reminders.models import Reminder, subject_key_for
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    HearingFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)
from tests.page_access_pages import PNG_1PX

# --- Records of organisation A about a case assigned to caseworker_a ---------------------------


@pytest.fixture
def norole_a(org_a, person_a):
    """A user of organisation A in no role group, to whom the case of person_a is even assigned."""
    user = factories.UserFactory(username="norole_a", organisation=org_a)
    person_a.assigned_to = user
    person_a.save(update_fields=["assigned_to"])
    return user


@pytest.fixture
def retention_review(org_a, person_a):
    from casework.retention.models import RetentionReview

    return RetentionReview.objects.create(organisation=org_a, person=person_a, due_on=date.today())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR")


@pytest.fixture
def draft(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


@pytest.fixture
def sent_request(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


@pytest.fixture
def followup(org_a, sent_request, authority, superuser):
    """The open follow-up draft to the request's authority (drafted as the sweep would)."""
    return services.followup_draft_for(authority=authority, organisation_id=org_a.pk, actor=superuser)


@pytest.fixture
def ready_dossier(sent_request, media, superuser):
    from casework.dossiers import services as dossier_services

    return dossier_services.dossier_request(
        gov_request=sent_request, actor=superuser, language="en", signing_officer="A. Officer"
    )


@pytest.fixture
def event_with_document(sent_request, media):
    event = factories.RequestEventFactory(request=sent_request, kind="answer")
    event.document.save("answer.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)
    return event


@pytest.fixture
def accepted(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a,
        authority=authority,
        status=RequestStatus.ACCEPTED,
        submitted_on=date(2025, 1, 10),
        decided_on=date(2025, 3, 1),
    )
    factories.RequestedPersonFactory(request=gov_request, person=person_a, decision=Decision.ACCEPTED)
    return gov_request


@pytest.fixture
def planned(org_a, accepted, person_a):
    operation = factories.HandoverOperationFactory(organisation=org_a, request=accepted)
    factories.HandoverPersonFactory(operation=operation, person=person_a)
    return operation


@pytest.fixture
def completed(org_a, accepted, person_a, media):
    operation = factories.HandoverOperationFactory(
        organisation=org_a, request=accepted, status=HandoverStatus.COMPLETED, document_signed_on=date(2025, 6, 1)
    )
    operation.handover_document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    factories.HandoverPersonFactory(operation=operation, person=person_a, handed_over=True)
    return operation


@pytest.fixture
def facility():
    return factories.FacilityFactory(name="Roj")


@pytest.fixture
def reminder(org_a, person_a, caseworker_a):
    return Reminder.objects.create(
        kind="boy_approaching_11",
        organisation=org_a,
        person=person_a,
        subject_key=subject_key_for(person_id=person_a.pk, gov_request_id=None),
        recipient=caseworker_a,
        due_on=date(2025, 6, 1),
        deadline_on=date(2025, 12, 1),
        offset_days=180,
    )


@pytest.fixture
def state_policy(org_a):
    return factories.StatePolicyFactory(organisation=org_a)


@pytest.fixture
def import_batch(supervisor_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.imports.services import batch_upload

    settings.IMPORTS_FILE_ROOT = tmp_path / "imports"
    return batch_upload(upload=SimpleUploadedFile("list.csv", b"Given name\r\nAmina\r\n"), actor=supervisor_a)


@pytest.fixture
def second_record(org_a):
    """Another record in organisation A (of the same person, say), assigned to nobody."""
    return factories.PersonFactory(organisation=org_a)


@pytest.fixture
def person_merge(person_a, second_record, superuser):
    from casework.merging.services import person_merge as merge

    return merge(
        survivor=person_a,
        other=second_record,
        actor=superuser,
        survivor_version=person_a.updated_at,
        other_version=second_record.updated_at,
    )


@pytest.fixture
def duplicate_pair(org_a, person_a, caseworker_a):
    """A possible duplicate of person_a, both assigned to caseworker_a."""
    from casework.matching.models import DuplicatePair

    other = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    a, b = sorted((person_a, other), key=lambda person: person.pk)
    return DuplicatePair.objects.create(
        organisation=org_a, person_a=a, person_b=b, score=0.9, reasons=["given name Fatima"], fingerprint="x"
    )


# --- Records of person_a ---------------------------------------------------------------------------


@pytest.fixture
def person_with_photo(person_a, media):
    person_a.photo.save("photo.png", ContentFile(PNG_1PX), save=True)
    return person_a


@pytest.fixture
def document(person_a, media):
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("copy.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)
    return document


def _record_of_person_a(name: str, factory: Any) -> Any:
    """The fixture `name`: one record of person_a, made by `factory`."""

    def make(person_a: Any) -> Any:
        return factory(person=person_a)

    return pytest.fixture(name=name)(make)


claim = _record_of_person_a("claim", factories.NationalityClaimFactory)
custody = _record_of_person_a("custody", factories.CustodyPeriodFactory)
dna_test = _record_of_person_a("dna_test", factories.DnaTestFactory)
screening = _record_of_person_a("screening", factories.ScreeningFactory)
journey = _record_of_person_a("journey", JourneyToSyriaFactory)
return_assessment = _record_of_person_a("return_assessment", ReturnAssessmentFactory)
custody_entry = _record_of_person_a("custody_entry", CustodyEntryFactory)
proceeding = _record_of_person_a("proceeding", LegalProceedingFactory)


@pytest.fixture
def family_link(org_a, person_a):
    return factories.FamilyLinkFactory(person=person_a, relative=factories.PersonFactory(organisation=org_a))


@pytest.fixture
def hearing(proceeding):
    return HearingFactory(proceeding=proceeding)

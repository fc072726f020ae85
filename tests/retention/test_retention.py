"""Retention end to end: a closed case past its period is listed, approved, confirmed by a second person and
anonymised, files included; the counts stay; doing it again changes nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.people.models import Alias, CustodyPeriod, IdentityDocument, NationalityClaim, Person
from casework.retention import services
from casework.retention.models import RetentionPolicy, RetentionReview, ReviewStatus
from casework.retention.tasks import list_due_retention_reviews
from casework.screenings.models import Screening
from tests import factories
from tests.dbdump import database_dump

pytestmark = pytest.mark.django_db

NAME = "Zubaida"
DOCUMENT_NUMBER = "ZZ9876543"


@pytest.fixture
def closed_case(org_a, caseworker_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = factories.PersonFactory(
        organisation=org_a,
        given_name_lat=NAME,
        place_of_birth="Mosul",
        health_notes="SECRET-HEALTH",
        medical_urgent=True,
        closed=True,
    )
    person.photo.save("photo.png", ContentFile(b"\x89PNG fake"), save=True)
    factories.AliasFactory(person=person, name="Umm Yusuf", armed_group_link=True)
    document = factories.IdentityDocumentFactory(person=person, number=DOCUMENT_NUMBER)
    document.file.save("passport.pdf", ContentFile(b"%PDF-1.4 fake"), save=True)
    factories.ScreeningFactory(person=person, findings="SECRET-FINDINGS")
    factories.DnaTestFactory(person=person, notes="SECRET-DNA")
    factories.AssessmentFactory(person=person, findings="SECRET-BIA")
    factories.CustodyPeriodFactory(person=person, exact_location="Block 9, tent 3")
    factories.NationalityClaimFactory(person=person, country="FR", notes="Grandfather born in Lyon")
    Person.objects.filter(pk=person.pk).update(status_changed_at=timezone.now() - timedelta(days=400))
    RetentionPolicy.objects.create(organisation=org_a, closure_reason="", retention_days=365)
    person.refresh_from_db()
    return person


def _files(person):
    return [Path(django_settings.MEDIA_ROOT) / person.photo.name] + [
        Path(django_settings.MEDIA_ROOT) / d.file.name for d in person.documents.all()
    ]


def test_only_closed_cases_past_their_period_are_listed_once(closed_case, org_a, org_b):
    recent = factories.PersonFactory(organisation=org_a, closed=True)
    Person.objects.filter(pk=recent.pk).update(status_changed_at=timezone.now() - timedelta(days=10))
    factories.PersonFactory(organisation=org_a)  # open
    other_org = factories.PersonFactory(organisation=org_b, closed=True)  # no policy in org B
    Person.objects.filter(pk=other_org.pk).update(status_changed_at=timezone.now() - timedelta(days=4000))

    assert list_due_retention_reviews() == 1
    assert services.retention_list_due() == 0

    review = RetentionReview.objects.get()
    assert (review.person, review.status, review.organisation) == (closed_case, ReviewStatus.DUE, org_a)
    assert AuditEvent.objects.filter(action="retention.review.listed").count() == 1


def test_a_specific_closure_reason_has_its_own_period(closed_case, org_a):
    RetentionPolicy.objects.create(organisation=org_a, closure_reason="repatriated", retention_days=1000)

    assert services.retention_list_due() == 0
    assert services.retention_list_due(now=timezone.now() + timedelta(days=700)) == 1


def test_end_to_end_two_people_anonymise_and_everything_identifying_is_gone(
    closed_case, supervisor_a, orgadmin_a, django_capture_on_commit_callbacks
):
    person = closed_case
    files = _files(person)
    assert all(f.exists() for f in files)
    counts_before = (Person.objects.filter(status="closed").count(), NationalityClaim.objects.count())
    services.retention_list_due()
    review = RetentionReview.objects.get()

    services.retention_approve(review=review, actor=supervisor_a)
    with pytest.raises(DomainError):
        services.retention_confirm(review=review, actor=supervisor_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.retention_confirm(review=review, actor=orgadmin_a)

    review.refresh_from_db()
    assert (review.status, review.approved_by, review.decided_by) == ("anonymised", supervisor_a, orgadmin_a)
    person.refresh_from_db()
    assert (person.given_name_lat, person.family_name_ar, person.place_of_birth, person.photo.name) == ("", "", "", "")
    assert (person.health_notes, person.medical_urgent, person.birth_date.month, person.birth_date.day) == (
        "",
        False,
        1,
        1,
    )
    assert not any(f.exists() for f in files)
    assert not Alias.objects.filter(person=person).exists()
    assert not IdentityDocument.objects.filter(person=person).exists()
    assert not Screening.objects.filter(person=person).exists()
    assert not person.dna_tests.exists() and not person.assessments.exists()
    assert CustodyPeriod.objects.get(person=person).exact_location == ""
    assert NationalityClaim.objects.get(person=person).notes == ""
    # The history rows are gone with them: no copy keeps a name or an L3 value.
    assert not person.history.exists()
    assert not Alias.history.filter(person_id=person.pk).exists()
    assert not Screening.history.filter(person_id=person.pk).exists()
    dump = database_dump()
    for value in (NAME, DOCUMENT_NUMBER, "Umm Yusuf", "Mosul", "Grandfather born in Lyon", "Block 9"):
        assert value not in dump
    # What the reports count stays.
    assert (Person.objects.filter(status="closed").count(), NationalityClaim.objects.count()) == counts_before
    assert person.status == "closed" and person.closure_reason == "repatriated"
    event = AuditEvent.objects.get(action="retention.person.anonymised")
    assert event.actor == orgadmin_a and event.data["removed"]["files"] == 2


def test_anonymising_twice_changes_nothing_and_does_not_fail(
    closed_case, orgadmin_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_anonymise(person=closed_case, actor=orgadmin_a)
    first = Person.objects.values().get(pk=closed_case.pk)

    with django_capture_on_commit_callbacks(execute=True):
        removed = services.person_anonymise(person=closed_case, actor=orgadmin_a)

    second = Person.objects.values().get(pk=closed_case.pk)
    first.pop("updated_at"), second.pop("updated_at")
    assert first == second
    assert removed == {
        "alias": 0,
        "identitydocument": 0,
        "screening": 0,
        "dnatest": 0,
        "assessment": 0,
        "hearing": 0,
        "legalproceeding": 0,
        "person_history": 0,
        "files": 0,
    }


def test_an_anonymised_or_kept_case_is_not_listed_again(closed_case, supervisor_a):
    services.retention_list_due()
    services.retention_keep(review=RetentionReview.objects.get(), actor=supervisor_a)

    assert services.retention_list_due() == 0


def test_users_outside_the_organisation_or_without_the_permission_cannot_decide(
    closed_case, supervisor_b, caseworker_a
):
    services.retention_list_due()
    review = RetentionReview.objects.get()

    for user in (supervisor_b, caseworker_a):
        with pytest.raises(PermissionDenied):
            services.retention_approve(review=review, actor=user)
    assert RetentionReview.objects.get().status == ReviewStatus.DUE


def test_the_page_approve_then_confirm(client_for, closed_case, supervisor_a, orgadmin_a, caseworker_a):
    services.retention_list_due()
    review = RetentionReview.objects.get()
    client = client_for(supervisor_a)

    page = client.get(reverse("retention:review_list"))
    assert page.status_code == 200 and closed_case.case_number in page.content.decode()
    client.post(reverse("retention:review_decide", args=[review.public_id, "approve"]))
    client_for(orgadmin_a).post(reverse("retention:review_decide", args=[review.public_id, "confirm"]))

    assert RetentionReview.objects.get().status == ReviewStatus.ANONYMISED
    assert client_for(caseworker_a).get(reverse("retention:review_list")).status_code == 403


def test_the_task_is_scheduled():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert "casework.retention.tasks.list_due_retention_reviews" in tasks

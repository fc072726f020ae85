"""The read log of the pages that combine persons with other work: home, reminders, retention, merges,
handovers, follow-ups, the import report, and the answers that redraw a page (an invalid form, a conflict).
Each writes the persons it names in one INSERT; pages that name nobody write nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.core.models import AccessEvent, AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.govrequests.choices import Decision, RequestStatus
from casework.imports.choices import BatchStatus, RowAction
from casework.imports.models import ImportRow
from casework.people import services as people_services
from casework.people.choices import CaseStatus, Relation, Sex
from casework.reminders.models import Reminder, subject_key_for
from casework.retention.models import RetentionReview, ReviewStatus
from tests import factories
from tests.security.test_access_log import _access_inserts

pytestmark = pytest.mark.django_db

Kind = AccessEvent.Kind


def logged(view: str) -> set[int | None]:
    return set(AccessEvent.objects.filter(view=view).values_list("person_id", flat=True))


def _get(client, url, data=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {}, **extra)
    return response, _access_inserts(queries.captured_queries)


def _reminder(org, person, recipient, kind="boy_approaching_11"):
    return Reminder.objects.create(
        kind=kind,
        organisation=org,
        person=person,
        subject_key=subject_key_for(person_id=person.pk, gov_request_id=None),
        recipient=recipient,
        due_on=date(2025, 6, 1),
        offset_days=0,
    )


# --- Home and reminders ---------------------------------------------------------------------------


def test_the_home_page_logs_the_persons_of_its_reminders_and_recent_changes_in_one_insert(
    client_for, caseworker_a, org_a
):
    reminded = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    moved = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)  # only counted, never named
    _reminder(org_a, reminded, caseworker_a)
    people_services.person_transition(person=moved, to=CaseStatus.IDENTITY_IN_PROGRESS, actor=caseworker_a)

    response, inserts = _get(client_for(caseworker_a), reverse("home"))

    assert response.status_code == 200 and inserts == 1
    assert logged("home") == {reminded.pk, moved.pk}
    assert set(AccessEvent.objects.values_list("kind", flat=True)) == {Kind.LIST}


def test_a_home_page_that_names_nobody_logs_nothing(client_for, caseworker_a, org_a):
    factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)  # counted in the caseload only

    response, inserts = _get(client_for(caseworker_a), reverse("home"))

    assert response.status_code == 200 and inserts == 0


def test_the_home_page_logs_the_persons_its_split_families_name(client_for, supervisor_a, org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    child = factories.PersonFactory(organisation=org_a, child=True)
    people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, status=RequestStatus.PARTIALLY_ACCEPTED, decided_on=date.today()
    )
    factories.RequestedPersonFactory(request=gov_request, person=mother, decision=Decision.REFUSED)
    factories.RequestedPersonFactory(request=gov_request, person=child, decision=Decision.ACCEPTED)

    response = client_for(supervisor_a).get(reverse("home"))

    assert 'id="split-families"' in response.content.decode()
    assert logged("home") == {mother.pk, child.pk}


def test_a_reminder_action_redrawing_the_list_logs_the_persons_it_names(client_for, caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    other = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    done = _reminder(org_a, person, caseworker_a)
    _reminder(org_a, other, caseworker_a)
    url = reverse("reminders:reminder_done", args=[done.public_id])

    response = client_for(caseworker_a).post(url, {"scope": "home"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and 'id="reminders-home"' in response.content.decode()
    assert logged("reminders:reminder_done") == {other.pk}  # the one still listed


def test_a_reminder_of_a_sensitive_kind_shown_is_an_l3_reading(client_for, sensitive_supervisor_a, caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, assigned_to=sensitive_supervisor_a)
    urgent = _reminder(org_a, person, sensitive_supervisor_a, kind="urgent_medical")
    _reminder(org_a, person, sensitive_supervisor_a)

    assert client_for(sensitive_supervisor_a).get(reverse("home")).status_code == 200

    reading = AuditEvent.objects.get(action=SENSITIVE_READ)
    assert (reading.target_id, reading.data) == (
        str(urgent.public_id),
        {"fields": ["kind"], "context": "reminder_list_home"},
    )


# --- Retention, merges --------------------------------------------------------------------------------


def test_the_retention_page_logs_the_persons_of_open_and_decided_reviews(client_for, supervisor_a, org_a, org_b):
    due, kept = factories.PersonFactory.create_batch(2, organisation=org_a)
    RetentionReview.objects.create(organisation=org_a, person=due, due_on=date.today())
    RetentionReview.objects.create(
        organisation=org_a,
        person=kept,
        due_on=date.today(),
        status=ReviewStatus.KEPT,
        decided_by=supervisor_a,
        decided_at=timezone.now(),
    )
    RetentionReview.objects.create(
        organisation=org_b, person=factories.PersonFactory(organisation=org_b), due_on=date.today()
    )

    response, inserts = _get(client_for(supervisor_a), reverse("retention:review_list"))

    assert response.status_code == 200 and inserts == 1
    assert logged("retention:review_list") == {due.pk, kept.pk}


def test_the_merge_page_and_a_merge_log_both_records(client_for, supervisor_a, org_a, superuser):
    from casework.merging.services import person_merge

    first, second = factories.PersonFactory.create_batch(2, organisation=org_a)
    client = client_for(supervisor_a)

    page = client.get(reverse("merging:merge"), {"a": first.public_id, "b": second.public_id})
    record = person_merge(
        survivor=first,
        other=second,
        actor=superuser,
        survivor_version=first.updated_at,
        other_version=second.updated_at,
    )
    detail = client.get(reverse("merging:merge_detail", args=[record.public_id]))

    assert page.status_code == detail.status_code == 200
    assert [(e.view, e.kind, e.person_id) for e in AccessEvent.objects.order_by("pk")] == [
        ("merging:merge", Kind.PERSON_PAGE, first.pk),
        ("merging:merge", Kind.PERSON_PAGE, second.pk),
        ("merging:merge_detail", Kind.LIST, first.pk),
        ("merging:merge_detail", Kind.LIST, second.pk),
    ]


# --- Handovers, separations, follow-ups ---------------------------------------------------------------


@pytest.fixture
def mother_refused(org_a, supervisor_a):
    """A request that accepted a child and refused the mother: planning the child's handover splits them."""
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    child = factories.PersonFactory(organisation=org_a, child=True)
    people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, status=RequestStatus.PARTIALLY_ACCEPTED, decided_on=date.today()
    )
    factories.RequestedPersonFactory(request=gov_request, person=child, decision=Decision.ACCEPTED)
    return gov_request, mother, child


def test_the_handover_plan_logs_the_accepted_persons_and_the_relatives_its_warning_names(
    client_for, supervisor_a, mother_refused
):
    gov_request, mother, child = mother_refused

    response, inserts = _get(
        client_for(supervisor_a), reverse("govrequests:handover_plan", args=[gov_request.public_id])
    )

    assert response.status_code == 200 and inserts == 1
    assert 'data-separation="parent"' in response.content.decode()
    assert logged("govrequests:handover_plan") == {child.pk, mother.pk}


def test_the_request_page_logs_a_relative_its_separation_warning_names(client_for, supervisor_a, mother_refused):
    gov_request, mother, child = mother_refused

    response = client_for(supervisor_a).get(reverse("govrequests:request_detail", args=[gov_request.public_id]))

    assert response.status_code == 200
    assert logged("govrequests:request_detail") == {child.pk, mother.pk}  # the mother is not on the request


def test_the_handover_completion_and_its_signed_document_log_every_person_of_the_operation(
    client_for, supervisor_a, org_a, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from casework.govrequests.choices import HandoverStatus

    settings.MEDIA_ROOT = tmp_path
    first, second = factories.PersonFactory.create_batch(2, organisation=org_a)
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, status=RequestStatus.ACCEPTED, submitted_on=date(2025, 1, 10), decided_on=date(2025, 3, 1)
    )
    planned = factories.HandoverOperationFactory(organisation=org_a, request=gov_request)
    done = factories.HandoverOperationFactory(
        organisation=org_a, request=gov_request, status=HandoverStatus.COMPLETED, document_signed_on=date(2025, 6, 1)
    )
    done.handover_document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    for person in (first, second):
        factories.RequestedPersonFactory(request=gov_request, person=person, decision=Decision.ACCEPTED)
        factories.HandoverPersonFactory(operation=planned, person=person)
        factories.HandoverPersonFactory(operation=done, person=person, handed_over=True)
    client = client_for(supervisor_a)

    page = client.get(reverse("govrequests:handover_complete", args=[gov_request.public_id, planned.public_id]))
    document = client.get(reverse("govrequests:handover_document", args=[gov_request.public_id, done.public_id]))
    b"".join(document.streaming_content)

    assert page.status_code == document.status_code == 200
    assert logged("govrequests:handover_complete") == logged("govrequests:handover_document") == {first.pk, second.pk}
    assert AccessEvent.objects.filter(view="govrequests:handover_document").first().kind == Kind.DOCUMENT


def test_the_follow_up_page_logs_only_the_persons_the_reader_sees(
    client_for, caseworker_a, fieldworker_a, org_a, superuser
):
    from casework.govrequests import services

    authority = factories.GovernmentAuthorityFactory(country="FR")
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    theirs = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    for person in (mine, theirs):
        factories.RequestedPersonFactory(request=gov_request, person=person)
    services.followup_draft_for(authority=authority, organisation_id=org_a.pk, actor=superuser)
    url = reverse("govrequests:request_followup", args=[gov_request.public_id])

    assert client_for(caseworker_a).get(url).status_code == 200
    assert client_for(fieldworker_a).get(url).status_code == 200

    assert set(AccessEvent.objects.filter(user=caseworker_a).values_list("person_id", flat=True)) == {
        mine.pk,
        theirs.pk,
    }
    assert set(AccessEvent.objects.filter(user=fieldworker_a).values_list("person_id", flat=True)) == {mine.pk}


# --- The import report ------------------------------------------------------------------------------------


def test_the_import_report_logs_the_duplicate_candidates_and_the_persons_rows_would_update(
    client_for, supervisor_a, org_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.imports.services import batch_upload

    settings.IMPORTS_FILE_ROOT = tmp_path / "imports"
    candidate, updated, untouched = factories.PersonFactory.create_batch(3, organisation=org_a)
    batch = batch_upload(upload=SimpleUploadedFile("list.csv", b"Given name\r\nAmina\r\n"), actor=supervisor_a)
    batch.status = BatchStatus.CHECKED
    batch.save(update_fields=["status"])
    duplicates = {"persons": [{"id": candidate.pk, "case_number": candidate.case_number}]}
    ImportRow.objects.create(batch=batch, number=2, action=RowAction.CREATE, duplicates=duplicates)
    ImportRow.objects.create(
        batch=batch, number=3, action=RowAction.UPDATE, person=updated, changes={"given_name_lat": ["A", "B"]}
    )
    ImportRow.objects.create(batch=batch, number=4, action=RowAction.UNCHANGED, person=untouched)

    response, inserts = _get(client_for(supervisor_a), reverse("imports:batch_detail", args=[batch.public_id]))

    assert response.status_code == 200 and inserts == 1
    assert logged("imports:batch_detail") == {candidate.pk, updated.pk}


# --- Answers that redraw the page, and refusals ------------------------------------------------------------


def test_an_edit_page_redrawn_with_a_conflict_is_logged_and_a_missing_record_is_not(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    url = reverse("people:person_update", args=[person_a.public_id])
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(given_name_lat="Changed", version=(person_a.updated_at - timezone.timedelta(days=1)).isoformat())

    conflict = client.post(url, data)
    missing = client.get(reverse("people:person_update", args=["00000000-0000-0000-0000-000000000000"]))

    assert (conflict.status_code, missing.status_code) == (409, 404)
    assert AccessEvent.objects.filter(view="people:person_update", person_id=person_a.pk).count() == 2


def test_a_family_link_edit_page_logs_the_relative_too(client_for, caseworker_a, person_a, org_a):
    relative = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    link = factories.FamilyLinkFactory(person=person_a, relative=relative)

    response = client_for(caseworker_a).get(reverse("people:family_update", args=[person_a.public_id, link.public_id]))

    assert response.status_code == 200
    assert logged("people:family_update") == {person_a.pk, relative.pk}

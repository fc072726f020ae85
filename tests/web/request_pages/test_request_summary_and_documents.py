"""A government request's printable summary, deadline clock and event document downloads."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.govrequests import selectors, services
from casework.govrequests.choices import EventKind
from tests import factories
from tests.web.request_pages.helpers import RS, reads_of, url

pytestmark = pytest.mark.django_db


# --- Printable summary --------------------------------------------------------------------------


@pytest.fixture
def summary_request(request_a, family_a):
    mother = family_a[0]
    mother.place_of_birth = "Roubaix"
    mother.country_of_birth = "FR"
    mother.health_notes = "Synthetic health notes."
    mother.child_protection_notes = "Synthetic child-protection notes."
    mother.birth_date_precision = "exact"
    mother.birth_date = date(1995, 6, 1)
    mother.save()
    factories.NationalityClaimFactory(person=mother, country="FR", notes="Synthetic claim notes.")
    factories.NationalityClaimFactory(person=mother, country="MA", is_primary=False)
    factories.CustodyPeriodFactory(person=mother)
    factories.AliasFactory(person=mother, name="Umm Yusuf", armed_group_link=True)
    request_a.notes = "Synthetic internal note."
    request_a.save()
    return request_a


def test_summary_shows_the_identity_fields_and_nothing_else(
    client_for, sensitive_supervisor_a, summary_request, family_a
):
    response = client_for(sensitive_supervisor_a).get(url("request_summary", summary_request))

    assert response.status_code == 200
    html = response.content.decode()
    mother = family_a[0]
    for expected in (
        summary_request.reference,
        mother.case_number,
        mother.full_name_lat,
        mother.full_name_ar,
        "Roubaix",
        "France",
        "css/summary.css",  # its print rules (no inline style: the CSP refuses it)
    ):
        assert expected in html
    for secret in (
        "Synthetic health notes.",
        "Synthetic child-protection notes.",
        "Synthetic claim notes.",
        "Synthetic internal note.",
        "Block 4, tent 12",
        "Umm Yusuf",
        "Morocco",
    ):
        assert secret not in html


def test_summary_shows_the_precision_of_the_date_of_birth(client_for, caseworker_a, request_a, family_a):
    child = family_a[1]
    child.birth_date_precision = "range"
    child.birth_date = None
    child.birth_date_earliest = date(2016, 1, 1)
    child.birth_date_latest = date(2017, 12, 31)
    child.save()

    html = client_for(caseworker_a).get(url("request_summary", request_a)).content.decode()

    assert "(estimated)" in html
    assert "Year only" in html  # the mother's date is known to the year


def test_viewing_the_summary_is_audited(client_for, caseworker_a, request_a, family_a):
    client_for(caseworker_a).get(url("request_summary", request_a))

    event = AuditEvent.objects.get(action="govrequests.request.summary_viewed")
    assert event.actor == caseworker_a
    assert event.target_id == str(request_a.public_id)
    assert set(event.data["persons"]) == {str(p.public_id) for p in family_a}


def test_user_without_the_view_capability_cannot_print_the_summary(client_for, org_a, request_a):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(url("request_summary", request_a)).status_code == 403
    assert not AuditEvent.objects.filter(action="govrequests.request.summary_viewed").exists()


def test_summary_query_count_does_not_grow_with_persons(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries
):
    requests = []
    for size in (1, 6):
        gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
        for row in factories.RequestedPersonFactory.create_batch(size, request=gov_request):
            factories.NationalityClaimFactory(person=row.person, country="FR")
        requests.append(gov_request)
    client = client_for(caseworker_a)
    client.get(url("request_summary", requests[0]))  # warm the content-type cache of the audit log
    counts = []
    for gov_request in requests:
        with django_assert_max_num_queries(20) as captured:
            client.get(url("request_summary", gov_request))
        counts.append(len(reads_of(captured)))

    assert counts[0] == counts[1]


# --- Deadline clock -----------------------------------------------------------------------------

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": RS.DRAFT}, (False, None, None, "")),
        ({"status": RS.REFUSED, "submitted_on": date(2025, 5, 1)}, (False, None, None, "")),
        (
            {"status": RS.SUBMITTED, "submitted_on": date(2025, 5, 25), "acknowledgement_due_on": date(2025, 6, 8)},
            (True, 7, 7, "acknowledgement"),
        ),
        (
            {
                "status": RS.ACKNOWLEDGED,
                "submitted_on": date(2025, 3, 1),
                "acknowledged_on": date(2025, 3, 10),
                "acknowledgement_due_on": date(2025, 3, 15),
                "answer_due_on": date(2025, 5, 9),
            },
            (True, 92, -23, "decision"),
        ),
        (
            {
                "status": RS.UNDER_REVIEW,
                "submitted_on": date(2025, 5, 1),
                "acknowledged_on": date(2025, 5, 2),
                "answer_due_on": date(2025, 6, 11),
                "answer_due_extended": True,
            },
            (True, 31, 10, "due_date"),
        ),
        # Paused on 22 May with 40 days left: they stand still, and a paused clock is late with nothing.
        (
            {
                "status": RS.INFORMATION_REQUESTED,
                "submitted_on": date(2025, 5, 1),
                "acknowledged_on": date(2025, 5, 2),
                "answer_due_on": date(2025, 7, 1),
                "clock_paused_on": date(2025, 5, 22),
            },
            (True, 31, 40, "decision"),
        ),
    ],
)
def test_deadline_clock(fields, expected):
    gov_request = factories.GovernmentRequestFactory.build(**fields)

    clock = selectors.deadline_clock(gov_request, today=TODAY)

    assert (clock.running, clock.days_since_sent, clock.days_left, clock.next_due_kind) == expected
    assert clock.is_overdue == (clock.days_left is not None and clock.days_left < 0)


# --- Event documents ----------------------------------------------------------------------------


@pytest.fixture
def event_with_document(request_a, caseworker_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 synthetic answer", content_type="application/pdf")
    return services.gov_request_record_event(
        gov_request=request_a, kind=EventKind.ANSWER, occurred_on=date(2025, 2, 1), actor=caseworker_a, document=scan
    )


def document_url(event) -> str:
    return reverse("govrequests:request_event_document", args=[event.request.public_id, event.public_id])


def test_event_document_is_downloaded_and_audited(client_for, auditor_a, event_with_document):
    response = client_for(auditor_a).get(document_url(event_with_document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 synthetic answer"
    assert f"{event_with_document.public_id}.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="govrequests.event.document_downloaded", actor=auditor_a).exists()


def test_event_document_of_another_organisation_is_not_found(client_for, caseworker_b, event_with_document):
    assert client_for(caseworker_b).get(document_url(event_with_document)).status_code == 404


def test_event_document_needs_the_view_capability(client_for, org_a, event_with_document):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(document_url(event_with_document)).status_code == 403


def test_event_document_under_another_request_is_not_found(client_for, caseworker_a, org_a, event_with_document):
    other = factories.GovernmentRequestFactory(organisation=org_a)
    wrong = reverse("govrequests:request_event_document", args=[other.public_id, event_with_document.public_id])

    assert client_for(caseworker_a).get(wrong).status_code == 404


def test_event_without_document_has_nothing_to_download(client_for, caseworker_a, request_a):
    event = factories.RequestEventFactory(request=request_a)

    assert client_for(caseworker_a).get(document_url(event)).status_code == 404

"""Completing a handover with its signed document: bad input, scope, assigned-only caseworkers, query counts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import Decision, HandoverStatus
from casework.govrequests.models import HandoverOperation
from tests import factories
from tests.web.drafts_and_handovers.helpers import RS, _complete_data, url

pytestmark = pytest.mark.django_db


def test_caseworker_completes_the_handover_with_the_signed_document(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    _mother, yusuf, maryam, _aunt = household_a
    client = client_for(caseworker_a)

    response = client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data([yusuf]))

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.COMPLETED
    assert planned.document_signed_on == timezone.localdate()
    assert planned.handover_document.name == f"documents/{planned.public_id}.pdf"
    handed = dict(planned.handed_persons.values_list("person_id", "handed_over"))
    assert handed == {yusuf.pk: True, maryam.pk: False}
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.PARTIALLY_COMPLETED

    detail = client.get(url("request_detail", accepted_request)).content.decode()
    document_url = url("handover_document", accepted_request, planned.public_id)
    assert document_url in detail
    download = client.get(document_url)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="govrequests.handover.document_downloaded", actor=caseworker_a).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"complete-document": ""}, "document"),
        ({"complete-handed_over": []}, "handed_over"),
        ({"complete-signed_on": "2999-01-01"}, "signed_on"),
    ],
)
def test_bad_completion_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, accepted_request, planned, household_a, media, change, field
):
    response = client_for(caseworker_a).post(
        url("handover_complete", accepted_request, planned.public_id), {**_complete_data(household_a[1:3]), **change}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED
    assert not planned.handover_document


def test_completion_document_with_a_forbidden_extension_is_refused(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    script = SimpleUploadedFile("signed.exe", b"MZ", content_type="application/octet-stream")

    response = client_for(caseworker_a).post(
        url("handover_complete", accepted_request, planned.public_id),
        _complete_data(household_a[1:3], **{"complete-document": script}),
    )

    assert "document" in response.context["form"].errors
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_completed_handover_cannot_be_completed_again(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    client = client_for(caseworker_a)
    client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:3]))

    again = client.get(url("handover_complete", accepted_request, planned.public_id))

    assert again.status_code == 302
    assert HandoverOperation.objects.get().status == HandoverStatus.COMPLETED


def test_handover_pages_are_scoped(client_for, caseworker_b, auditor_a, accepted_request, planned, household_a, media):
    complete = url("handover_complete", accepted_request, planned.public_id)
    document = url("handover_document", accepted_request, planned.public_id)
    other_request = factories.GovernmentRequestFactory(organisation=accepted_request.organisation)
    wrong_parent = reverse("govrequests:handover_complete", args=[other_request.public_id, planned.public_id])

    assert client_for(caseworker_b).get(complete).status_code == 404
    assert client_for(caseworker_b).get(document).status_code == 404
    assert client_for(auditor_a).get(complete).status_code == 403
    assert client_for(auditor_a).get(document).status_code == 404  # no document yet
    assert client_for(auditor_a).get(wrong_parent).status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_handover_under_another_request_is_not_found(client_for, caseworker_a, accepted_request, planned):
    other_request = factories.GovernmentRequestFactory(organisation=accepted_request.organisation)

    response = client_for(caseworker_a).get(
        reverse("govrequests:handover_complete", args=[other_request.public_id, planned.public_id])
    )

    assert response.status_code == 404


def test_assigned_only_caseworker_cannot_complete_a_handover_with_colleagues_cases(
    client_for, fieldworker_a, accepted_request, planned, household_a, media
):
    household_a[1].assigned_to = fieldworker_a
    household_a[1].save()

    response = client_for(fieldworker_a).post(
        url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:2])
    )

    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


@pytest.fixture
def fieldworker_with_one_child(fieldworker_a, household_a):
    """An assigned-only caseworker to whom Yusuf (on the planned operation) is assigned, but not Maryam."""
    household_a[1].assigned_to = fieldworker_a
    household_a[1].save()
    return fieldworker_a


def _completed_by_supervisor(supervisor_a, planned, household_a):
    return services.handover_complete(
        operation=planned,
        signed_on=timezone.localdate(),
        document=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
        handed_over=household_a[1:3],
        actor=supervisor_a,
    )


def test_assigned_only_caseworker_cannot_cancel_a_handover_with_colleagues_cases(
    client_for, fieldworker_with_one_child, accepted_request, planned
):
    response = client_for(fieldworker_with_one_child).post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "The crossing was closed."}
    )

    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_handover_cancel_service_refuses_an_actor_who_does_not_see_every_person(fieldworker_with_one_child, planned):
    with pytest.raises(PermissionDenied):
        services.handover_cancel(operation=planned, reason="No delegation.", actor=fieldworker_with_one_child)

    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_assigned_only_caseworker_cannot_download_the_signed_document_naming_colleagues_cases(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    _completed_by_supervisor(supervisor_a, planned, household_a)

    response = client_for(fieldworker_with_one_child).get(url("handover_document", accepted_request, planned.public_id))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="govrequests.handover.document_downloaded").exists()


def test_assigned_only_caseworker_sees_the_operation_without_its_document_or_actions(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    client = client_for(fieldworker_with_one_child)

    planned_page = client.get(url("request_detail", accepted_request)).content.decode()
    _completed_by_supervisor(supervisor_a, planned, household_a)
    completed_page = client.get(url("request_detail", accepted_request)).content.decode()

    assert f'data-handover="{planned.public_id}"' in planned_page
    assert url("handover_complete", accepted_request, planned.public_id) not in planned_page
    assert url("handover_cancel", accepted_request, planned.public_id) not in planned_page
    assert url("handover_document", accepted_request, planned.public_id) not in completed_page


def test_assigned_only_caseworker_with_every_person_may_cancel_and_download(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    household_a[2].assigned_to = fieldworker_with_one_child
    household_a[2].save()
    client = client_for(fieldworker_with_one_child)

    detail = client.get(url("request_detail", accepted_request)).content.decode()
    cancel = client.post(url("handover_cancel", accepted_request, planned.public_id), {"reason": "Closed."})

    assert url("handover_cancel", accepted_request, planned.public_id) in detail
    assert cancel.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.CANCELLED
    second = services.handover_plan(
        gov_request=accepted_request,
        persons=household_a[1:3],
        planned_on=timezone.localdate(),
        place="Semalka crossing",
        actor=supervisor_a,
    )
    _completed_by_supervisor(supervisor_a, second, household_a)
    download = client.get(url("handover_document", accepted_request, second.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def reads_of(captured) -> list[dict]:
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


@pytest.mark.parametrize("size", [1, 6])
def test_detail_with_handovers_has_a_constant_query_count(
    client_for, supervisor_a, org_a, authority, django_assert_max_num_queries, size
):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RS.OPERATION_PLANNED
    )
    rows = factories.RequestedPersonFactory.create_batch(size, request=gov_request, decision=Decision.ACCEPTED)
    for _ in range(size):
        operation = factories.HandoverOperationFactory(organisation=org_a, request=gov_request)
        for row in rows:
            factories.HandoverPersonFactory(operation=operation, person=row.person)
    client = client_for(supervisor_a)

    # The detail page's reads (see test_requests.DETAIL_READS) plus handover operations, their persons
    # and which of those persons the user sees; then the State's policy and the family-unity check (the
    # covered persons' decisions, and their family links since someone is accepted); the read log's INSERT.
    with django_assert_max_num_queries(20) as captured:
        response = client.get(url("request_detail", gov_request))

    assert len(response.context["handovers"]) == size
    assert len(reads_of(captured)) == 16, "\n".join(q["sql"][:150] for q in reads_of(captured))

"""Planning a handover of the accepted persons of a request, and cancelling a planned one."""

import pytest

from casework.core.models import AuditEvent
from casework.govrequests.choices import HandoverStatus
from casework.govrequests.models import HandoverOperation
from tests.web.drafts_and_handovers.helpers import RS, _complete_data, _plan_data, url

pytestmark = pytest.mark.django_db


# --- Handover operations ------------------------------------------------------------------------


def test_plan_page_offers_only_the_accepted_persons(client_for, caseworker_a, accepted_request, household_a):
    response = client_for(caseworker_a).get(url("handover_plan", accepted_request))

    assert response.status_code == 200
    offered = {value for value, _label in response.context["form"].fields["persons"].choices}
    assert offered == {household_a[1].public_id.hex, household_a[2].public_id.hex}


def test_caseworker_plans_a_handover_of_the_accepted_children(client_for, caseworker_a, accepted_request, household_a):
    _mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(url("handover_plan", accepted_request), _plan_data([yusuf, maryam]))

    assert response.status_code == 302
    operation = HandoverOperation.objects.get()
    assert operation.status == HandoverStatus.PLANNED
    assert set(operation.handed_persons.values_list("person_id", flat=True)) == {yusuf.pk, maryam.pk}
    assert (operation.place, operation.receiving_country.code) == ("Semalka crossing", "FR")
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.OPERATION_PLANNED
    detail = client_for(caseworker_a).get(url("request_detail", accepted_request)).content.decode()
    assert f'data-handover="{operation.public_id}"' in detail
    assert url("handover_complete", accepted_request, operation.public_id) in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"handover-persons": []}, "persons"),
        ({"handover-place": ""}, "place"),
        ({"handover-planned_on": "not a date"}, "planned_on"),
    ],
)
def test_bad_plan_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, accepted_request, household_a, change, field
):
    response = client_for(caseworker_a).post(
        url("handover_plan", accepted_request), {**_plan_data(household_a[1:3]), **change}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert not HandoverOperation.objects.exists()


def test_a_refused_person_cannot_be_put_on_a_handover(client_for, caseworker_a, accepted_request, household_a):
    response = client_for(caseworker_a).post(url("handover_plan", accepted_request), _plan_data(household_a[:2]))

    assert "persons" in response.context["form"].errors
    assert not HandoverOperation.objects.exists()


def test_no_handover_can_be_planned_before_an_acceptance(client_for, caseworker_a, family_draft):
    client = client_for(caseworker_a)

    detail = client.get(url("request_detail", family_draft))
    response = client.get(url("handover_plan", family_draft))

    assert not detail.context["can_plan_handover"]
    assert response.status_code == 302
    assert not HandoverOperation.objects.exists()


def test_auditor_and_other_organisation_cannot_plan(client_for, auditor_a, caseworker_b, accepted_request, household_a):
    data = _plan_data(household_a[1:3])

    assert client_for(auditor_a).post(url("handover_plan", accepted_request), data).status_code == 403
    assert client_for(caseworker_b).post(url("handover_plan", accepted_request), data).status_code == 404
    assert not HandoverOperation.objects.exists()


# --- Cancelling a planned handover --------------------------------------------------------------


def test_caseworker_cancels_a_planned_handover_with_the_reason_and_may_plan_again(
    client_for, caseworker_a, accepted_request, planned, household_a
):
    client = client_for(caseworker_a)

    response = client.post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "The crossing was closed."}
    )

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.CANCELLED
    assert planned.notes.endswith("The crossing was closed.")
    event = AuditEvent.objects.get(action="govrequests.handover.cancelled")
    assert (event.actor, event.data) == (caseworker_a, {"from": "planned", "to": "cancelled"})
    assert planned.history.first().history_user == caseworker_a
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.OPERATION_PLANNED
    detail = client.get(url("request_detail", accepted_request))
    assert detail.context["can_plan_handover"]
    assert url("handover_complete", accepted_request, planned.public_id) not in detail.content.decode()
    again = client.post(url("handover_plan", accepted_request), _plan_data(household_a[1:3]))
    assert again.status_code == 302
    assert HandoverOperation.objects.filter(status=HandoverStatus.PLANNED).count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(client_for, caseworker_a, accepted_request, planned, reason):
    response = client_for(caseworker_a).post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": reason}, follow=True
    )

    assert "Give the reason for cancelling the handover." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_a_completed_handover_cannot_be_cancelled(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    client = client_for(caseworker_a)
    client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:3]))

    response = client.post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "Too late."}, follow=True
    )

    assert "Only a planned handover can be cancelled." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.COMPLETED


def test_auditor_and_other_organisation_cannot_cancel(client_for, auditor_a, caseworker_b, accepted_request, planned):
    data = {"reason": "No."}

    assert (
        client_for(auditor_a).post(url("handover_cancel", accepted_request, planned.public_id), data).status_code == 403
    )
    assert (
        client_for(caseworker_b).post(url("handover_cancel", accepted_request, planned.public_id), data).status_code
        == 404
    )
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED

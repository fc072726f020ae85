"""Government requests in the admin: created, filled and moved through the services."""

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson, RequestEvent
from tests import factories

from .utils import add_inline_row, changeform_data, inline_errors

pytestmark = pytest.mark.django_db

ADD = reverse("admin:govrequests_governmentrequest_add")


def _change(gov_request):
    return reverse("admin:govrequests_governmentrequest_change", args=[gov_request.pk])


def test_a_request_added_in_the_admin_is_created_by_the_service_with_its_persons(
    client_for, supervisor_a, org_a, org_b, person_a
):
    authority = factories.GovernmentAuthorityFactory()
    client = client_for(supervisor_a)
    data = changeform_data(client.get(ADD))
    data.update(
        {
            "organisation": org_b.pk,
            "reference": "",
            "authority": authority.pk,
            "channel": "email",
            "drafted_on": "2025-04-02",
        }
    )
    add_inline_row(data, "covered", person=person_a.pk)

    response = client.post(ADD, data)

    assert response.status_code == 302, inline_errors(response)
    gov_request = GovernmentRequest.objects.get()
    assert (gov_request.reference, gov_request.organisation, gov_request.created_by) == (
        "ORGA-R2025-00001",
        org_a,
        supervisor_a,
    )
    assert list(gov_request.covered.values_list("person", flat=True)) == [person_a.pk]
    assert AuditEvent.objects.filter(action="govrequests.request.created").exists()
    assert AuditEvent.objects.filter(action="govrequests.request.persons_added").exists()


def test_a_person_of_another_organisation_cannot_be_covered(client_for, supervisor_a, org_a, person_b):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(gov_request)))
    add_inline_row(data, "covered", person=person_b.pk)

    response = client.post(_change(gov_request), data)

    assert response.status_code == 200
    assert "person" in inline_errors(response)["covered"][0]
    assert not RequestedPerson.objects.exists()


def test_persons_are_added_only_while_the_request_is_a_draft(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(gov_request)))
    add_inline_row(data, "covered", person=person_a.pk)

    client.post(_change(gov_request), data)

    assert not RequestedPerson.objects.exists()


def test_a_new_event_goes_through_the_service_and_moves_the_status(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(gov_request)))
    add_inline_row(data, "events", kind="acknowledged", occurred_on="2025-01-25")

    response = client.post(_change(gov_request), data)

    assert response.status_code == 302, inline_errors(response)
    gov_request.refresh_from_db()
    assert (gov_request.status, str(gov_request.acknowledged_on)) == (RequestStatus.ACKNOWLEDGED, "2025-01-25")
    assert RequestEvent.objects.get().created_by == supervisor_a


def test_decisions_are_read_only_in_the_request_form(client_for, supervisor_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, acknowledged=True)
    row = factories.RequestedPersonFactory(request=gov_request, person=person_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(gov_request)))
    data["covered-0-decision"] = "accepted"
    data["covered-0-id"] = str(row.pk)

    client.post(_change(gov_request), data)

    row.refresh_from_db()
    assert row.decision == "pending"

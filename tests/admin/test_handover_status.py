"""A handover operation's status changes only through the services: read-only in the admin."""

import pytest
from django.urls import reverse

from casework.govrequests.choices import HandoverStatus
from casework.govrequests.models import HandoverOperation, HandoverPerson
from tests import factories
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db


def test_posting_a_status_or_handed_over_flag_in_the_admin_changes_nothing(client_for, supervisor_a, org_a):
    operation = factories.HandoverOperationFactory(organisation=org_a)
    row = factories.HandoverPersonFactory(operation=operation)
    change_url = reverse("admin:govrequests_handoveroperation_change", args=[operation.pk])
    client = client_for(supervisor_a)
    page = client.get(change_url)
    assert "status" not in page.context["adminform"].form.fields
    data = changeform_data(page)
    data["status"] = HandoverStatus.COMPLETED
    data["document_signed_on"] = "2025-06-01"
    data["handed_persons-0-handed_over"] = "on"
    data["place"] = "Tal Kocher"

    response = client.post(change_url, data)

    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.place == "Tal Kocher"  # the form was saved…
    assert operation.status == HandoverStatus.PLANNED  # …but not the status
    assert operation.document_signed_on is None
    assert HandoverPerson.objects.get(pk=row.pk).handed_over is False


def test_admin_add_form_has_no_status_field(client_for, supervisor_a):
    page = client_for(supervisor_a).get(reverse("admin:govrequests_handoveroperation_add"))

    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    assert not HandoverOperation.objects.exists()

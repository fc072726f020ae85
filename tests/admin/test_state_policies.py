"""The State-policy admin: organisation admins write their organisation's policies; shared defaults are read-only."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.policies.choices import TakesBack
from casework.policies.models import StatePolicy
from tests import factories
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db
ADD = reverse("admin:policies_statepolicy_add")


def test_an_organisation_admin_adds_a_policy_that_belongs_to_their_organisation(client_for, orgadmin_a):
    client = client_for(orgadmin_a)
    data = changeform_data(client.get(ADD))
    data.update({"country": "SE", "valid_from": "2019-04-01", "takes_back": TakesBack.CHILDREN_ONLY})

    response = client.post(ADD, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    policy = StatePolicy.objects.get()
    assert policy.organisation_id == orgadmin_a.organisation_id
    assert policy.created_by == orgadmin_a
    assert AuditEvent.objects.filter(target_id=str(policy.public_id)).exists()


def test_a_shared_default_is_read_only_for_an_organisation_admin(client_for, orgadmin_a):
    shared = factories.StatePolicyFactory(country="FR", valid_from=date(2019, 3, 1))
    client = client_for(orgadmin_a)
    change = reverse("admin:policies_statepolicy_change", args=[shared.pk])

    page = client.get(change)
    client.post(change, {**changeform_data(page), "takes_back": TakesBack.NONE})

    assert page.status_code == 200 and 'name="takes_back"' not in page.content.decode()
    shared.refresh_from_db()
    assert shared.takes_back == TakesBack.ALL


def test_another_organisations_policy_is_not_in_the_admin(client_for, orgadmin_a, org_b):
    theirs = factories.StatePolicyFactory(organisation=org_b, country="FR")
    client = client_for(orgadmin_a)

    response = client.get(reverse("admin:policies_statepolicy_change", args=[theirs.pk]))

    assert response.status_code in (302, 404)
    assert response.status_code == 404 or response.url.startswith("/" + settings.ADMIN_URL)

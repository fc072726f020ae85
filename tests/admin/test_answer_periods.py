"""The answer-period admin: an organisation admin writes their organisation's periods; the shared defaults
(no organisation) are read-only for them and cannot be deleted; a period saved for another organisation is
refused."""

import pytest
from django.urls import reverse

from casework.govrequests.models import AnswerPeriod
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_default():
    return AnswerPeriod.objects.create(country="FR", acknowledgement_days=30, decision_days=90)


def test_a_shared_default_is_read_only_for_an_organisation_admin(client_for, orgadmin_a, shared_default):
    client = client_for(orgadmin_a)
    change = reverse("admin:govrequests_answerperiod_change", args=[shared_default.pk])

    page = client.get(change)
    client.post(change, {**changeform_data(page), "decision_days": "5"})
    deleted = client.post(reverse("admin:govrequests_answerperiod_delete", args=[shared_default.pk]), {"post": "yes"})

    assert page.status_code == 200 and 'name="decision_days"' not in page.content.decode()
    assert deleted.status_code == 403
    shared_default.refresh_from_db()
    assert shared_default.decision_days == 90


def test_an_organisation_admin_changes_their_own_period(client_for, orgadmin_a):
    own = AnswerPeriod.objects.create(
        organisation=orgadmin_a.organisation, country="FR", acknowledgement_days=30, decision_days=90
    )
    client = client_for(orgadmin_a)
    change = reverse("admin:govrequests_answerperiod_change", args=[own.pk])

    response = client.post(change, {**changeform_data(client.get(change)), "decision_days": "60"})

    assert response.status_code == 302, response.content.decode()[:2000]
    own.refresh_from_db()
    assert own.decision_days == 60


def test_a_superuser_changes_a_shared_default(client_for, superuser, shared_default):
    client = client_for(superuser)
    change = reverse("admin:govrequests_answerperiod_change", args=[shared_default.pk])

    response = client.post(change, {**changeform_data(client.get(change)), "decision_days": "120"})

    assert response.status_code == 302, response.content.decode()[:2000]
    shared_default.refresh_from_db()
    assert shared_default.decision_days == 120

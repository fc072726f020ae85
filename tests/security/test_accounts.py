"""Hole 2: an organisation admin cannot take over a user who holds more rights; credential and right changes are audited."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from casework.accounts import roles
from casework.core.models import AuditEvent
from tests import factories
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-enough-passphrase-9"
PASSWORD_FORM = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def _password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _change(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.fixture
def orgadmin2_a(org_a):
    return factories.UserFactory(username="orgadmin2_a", organisation=org_a, role=roles.ORGANISATION_ADMIN)


@pytest.mark.parametrize("target", ["sensitive_supervisor_a", "orgadmin2_a"])
def test_an_organisation_admin_cannot_set_the_password_of_a_user_with_more_rights(
    request, client_for, orgadmin_a, target
):
    victim = request.getfixturevalue(target)
    client = client_for(orgadmin_a)

    page = client.get(_password_url(victim))
    posted = client.post(_password_url(victim), PASSWORD_FORM)

    assert page.status_code == 403
    assert posted.status_code == 403
    victim.refresh_from_db()
    assert not victim.check_password(NEW_PASSWORD)


def test_an_organisation_admin_cannot_change_the_email_of_a_user_with_more_rights(
    client_for, orgadmin_a, sensitive_supervisor_a
):
    client = client_for(orgadmin_a)
    data = changeform_data(client.get(_change(sensitive_supervisor_a)))
    data["email"] = "attacker@example.org"

    client.post(_change(sensitive_supervisor_a), data)

    sensitive_supervisor_a.refresh_from_db()
    assert sensitive_supervisor_a.email != "attacker@example.org"


def test_an_organisation_admin_sets_a_caseworkers_password_and_it_is_audited(client_for, orgadmin_a, caseworker_a):
    response = client_for(orgadmin_a).post(_password_url(caseworker_a), PASSWORD_FORM)

    assert response.status_code == 302
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.password_set")
    assert event.actor == orgadmin_a and event.target_id == str(caseworker_a.pk)


def test_a_superuser_sets_the_password_of_an_l3_holder(client_for, superuser, sensitive_supervisor_a):
    response = client_for(superuser).post(_password_url(sensitive_supervisor_a), PASSWORD_FORM)

    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.password_set", actor=superuser).exists()


def test_granting_the_l3_permission_needs_a_reason_and_is_audited_with_it(client_for, superuser, supervisor_a):
    client = client_for(superuser)
    l3 = Permission.objects.get(codename="view_sensitive_data")
    data = changeform_data(client.get(_change(supervisor_a)))
    data["user_permissions"] = [str(l3.pk)]

    refused = client.post(_change(supervisor_a), {**data, "sensitive_access_reason": ""})
    assert refused.status_code == 200
    assert "sensitive_access_reason" in refused.context["adminform"].form.errors
    assert not supervisor_a.user_permissions.exists()

    accepted = client.post(_change(supervisor_a), {**data, "sensitive_access_reason": "Screening lead for Roj."})
    assert accepted.status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.sensitive_access_granted")
    assert event.actor == superuser and event.target_id == str(supervisor_a.pk)
    assert event.data["reason"] == "Screening lead for Roj."

    data["user_permissions"] = []
    client.post(_change(supervisor_a), {**data, "sensitive_access_reason": ""})
    assert AuditEvent.objects.filter(action="accounts.user.sensitive_access_revoked", actor=superuser).exists()


def test_granting_and_revoking_a_role_is_audited(client_for, orgadmin_a, caseworker_a):
    client = client_for(orgadmin_a)
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    data = changeform_data(client.get(_change(caseworker_a)))
    data["groups"] = [str(supervisor.pk)]

    response = client.post(_change(caseworker_a), data)

    assert response.status_code == 302
    granted = AuditEvent.objects.get(action="accounts.user.role_granted")
    revoked = AuditEvent.objects.get(action="accounts.user.role_revoked")
    assert granted.data == {"role": roles.SUPERVISOR} and revoked.data == {"role": roles.CASEWORKER}
    assert granted.actor == orgadmin_a and granted.target_id == str(caseworker_a.pk)


def test_changing_ones_own_password_is_audited(client_for, caseworker_a):
    caseworker_a.set_password("the-old-passphrase-1")
    caseworker_a.save()

    response = client_for(caseworker_a).post(
        reverse("password_change"),
        {"old_password": "the-old-passphrase-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.actor == caseworker_a and event.target_id == str(caseworker_a.pk)


def test_a_password_reset_goes_by_a_one_time_link_to_the_users_own_email(client, caseworker_a):
    requested = client.post(reverse("password_reset"), {"email": caseworker_a.email})

    assert requested.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [caseworker_a.email]
    assert caseworker_a.username not in message.subject and caseworker_a.email not in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user.password_reset", target_id=str(caseworker_a.pk)).exists()
    assert client.get(link, follow=True).context["validlink"] is False  # one time only


def test_an_organisation_admin_sends_a_reset_link_instead_of_setting_the_password(
    client_for, orgadmin_a, sensitive_supervisor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(orgadmin_a).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_reset", "_selected_action": [str(sensitive_supervisor_a.pk)]},
        )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[sensitive_supervisor_a.email]]
    event = AuditEvent.objects.get(action="accounts.user.password_reset_sent")
    assert event.actor == orgadmin_a and event.target_id == str(sensitive_supervisor_a.pk)

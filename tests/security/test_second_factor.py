"""Second factor: a password alone opens nothing; enrolment, app codes, backup codes, resets by an administrator."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.shortcuts import resolve_url
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import twofactor
from casework.accounts.twofactor import SECOND_FACTOR_FAILED
from casework.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = resolve_url(settings.LOGIN_URL)


def code_of(device: TOTPDevice, *, step: int = 0) -> str:
    """The app's current code (or one `step` periods later), as the phone computes it."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step):06d}"


def password_step(client, user, next_url: str = "/") -> None:
    response = client.post(LOGIN_URL, {"username": user.username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.status_code


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name=twofactor.APP_DEVICE_NAME, confirmed=True)
    return device


@pytest.mark.parametrize("path", ["/", "/persons/", "/requests/", "/accounts/profile/", "/admin/", "/imports/"])
def test_a_password_alone_opens_no_page_and_not_the_admin(client, sensitive_supervisor_a, path):
    enrolled(sensitive_supervisor_a)
    password_step(client, sensitive_supervisor_a)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))


def test_the_admin_login_page_sends_to_the_login_with_the_second_factor(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302 and response["Location"] == LOGIN_URL + "?next=/admin/"


def test_a_user_without_a_second_factor_enrols_an_app_and_gets_backup_codes(client, caseworker_a):
    password_step(client, caseworker_a, "/persons/")
    response = client.get("/persons/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("second_factor_setup"))
    html = response.content.decode()
    assert "<svg" in html and 'id="otp-secret"' in html
    device = TOTPDevice.objects.get(user=caseworker_a, confirmed=False)
    assert twofactor.secret_base32(device) in html

    wrong = client.post(
        reverse("second_factor_setup"), {"token": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "This code is not valid" in wrong.content.decode()
    assert client.get("/persons/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # the wait django-otp imposes after a wrong code (1 s) has passed
    response = client.post(reverse("second_factor_setup"), {"token": code_of(device), "next": "/persons/"})

    assert response.status_code == 200
    codes = re.findall(r"<li>(\w+)</li>", response.content.decode())
    assert len(codes) == settings.CASEWORK_BACKUP_CODE_COUNT
    assert TOTPDevice.objects.get(user=caseworker_a).confirmed
    assert client.get("/persons/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.second_factor_enrolled", target_id=str(caseworker_a.pk))


def test_the_app_code_opens_the_session_and_a_new_session_key_is_given(client, caseworker_a):
    device = enrolled(caseworker_a)
    password_step(client, caseworker_a)
    before = client.session.session_key
    assert client.get(reverse("second_factor_setup")).status_code == 302  # enrolled: no second enrolment

    response = client.post(reverse("second_factor"), {"token": code_of(device), "next": "/persons/"})

    assert response.status_code == 302 and response["Location"] == "/persons/"
    assert client.session.session_key != before
    assert client.get("/persons/").status_code == 200
    assert AuditEvent.objects.get(action="accounts.user.second_factor_given").data == {"with": "app"}


def test_a_wrong_code_is_refused_audited_and_then_throttled(client, caseworker_a):
    device = enrolled(caseworker_a)
    password_step(client, caseworker_a)
    good = code_of(device)
    wrong = "000000" if good != "000000" else "111111"

    response = client.post(reverse("second_factor"), {"token": wrong})

    assert response.status_code == 200 and "This code is not valid" in response.content.decode()
    assert AuditEvent.objects.filter(action=SECOND_FACTOR_FAILED).count() == 1
    # django-otp's throttling: right after a failure even the right code waits.
    assert client.post(reverse("second_factor"), {"token": good}).status_code == 200
    assert client.get("/persons/").status_code == 302


def test_a_backup_code_works_once(client, caseworker_a):
    enrolled(caseworker_a)
    codes = twofactor._new_backup_codes(caseworker_a)
    password_step(client, caseworker_a)

    assert client.post(reverse("second_factor"), {"token": codes[0]}).status_code == 302
    assert client.get("/persons/").status_code == 200
    assert twofactor.backup_codes_left(caseworker_a) == len(codes) - 1

    client.post(reverse("logout"))
    StaticDevice.objects.filter(user=caseworker_a).update(throttling_failure_count=0)
    password_step(client, caseworker_a)
    assert client.post(reverse("second_factor"), {"token": codes[0]}).status_code == 200


def test_the_user_renews_their_backup_codes_from_the_profile(client_for, caseworker_a):
    client = client_for(caseworker_a)
    enrolled(caseworker_a)
    old = twofactor._new_backup_codes(caseworker_a)

    response = client.post(reverse("backup_codes_renew"))

    new = re.findall(r"<li>(\w+)</li>", response.content.decode())
    assert len(new) == settings.CASEWORK_BACKUP_CODE_COUNT and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="accounts.user.backup_codes_renewed").exists()


def _reset(client, user):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [str(user.pk)]},
    )


def test_an_organisation_admin_resets_a_caseworkers_second_factor_which_ends_their_sessions(
    client, client_for, orgadmin_a, caseworker_a
):
    from django.test import Client

    victim = Client()
    victim.force_login(caseworker_a)
    enrolled(caseworker_a)
    assert victim.get("/persons/").status_code == 200

    response = _reset(client_for(orgadmin_a), caseworker_a)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker_a).exists()
    assert not StaticDevice.objects.filter(user=caseworker_a).exists()
    assert victim.get("/persons/").status_code == 302  # logged out
    event = AuditEvent.objects.get(action="accounts.user.second_factor_reset")
    assert event.actor == orgadmin_a and event.target_id == str(caseworker_a.pk)


@pytest.mark.parametrize("target", ["sensitive_supervisor_a", "orgadmin2_a", "superuser"])
def test_an_organisation_admin_cannot_reset_the_second_factor_of_a_user_with_more_rights(
    request, client_for, orgadmin_a, org_a, target
):
    from casework.accounts import roles
    from tests import factories

    if target == "orgadmin2_a":
        user = factories.UserFactory(username="orgadmin2_a", organisation=org_a, role=roles.ORGANISATION_ADMIN)
    else:
        user = request.getfixturevalue(target)
    enrolled(user)
    client = client_for(orgadmin_a)

    _reset(client, user)

    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="accounts.user.second_factor_reset").exists()


def test_a_superuser_resets_the_second_factor_of_an_l3_holder(client_for, superuser, sensitive_supervisor_a):
    enrolled(sensitive_supervisor_a)

    _reset(client_for(superuser), sensitive_supervisor_a)

    assert not TOTPDevice.objects.filter(user=sensitive_supervisor_a).exists()


def test_django_otps_device_admins_are_not_offered(client_for, superuser):
    client = client_for(superuser)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_no_setting_switches_the_second_factor_off():
    """The policy is code, not configuration: the middleware is installed and has no switch."""
    assert "casework.accounts.middleware.SecondFactorMiddleware" in settings.MIDDLEWARE
    assert not [name for name in dir(settings) if "OTP" in name and ("DISABLE" in name or "ENABLED" in name)]


def test_a_session_without_the_second_factor_ends_at_logout(client, caseworker_a):
    enrolled(caseworker_a)
    password_step(client, caseworker_a)
    key = client.session.session_key

    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_the_time_window_accepts_the_previous_code(client, caseworker_a):
    """A code typed just as it changes still counts (django-otp's tolerance of one period)."""
    device = enrolled(caseworker_a)
    password_step(client, caseworker_a)
    previous = code_of(device, step=-1)

    assert client.post(reverse("second_factor"), {"token": previous}).status_code == 302

"""Failed logins lock a user name from one IP; logins are audited; sessions end by time and on changes of rights."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from casework.accounts import roles, sessions
from casework.accounts.models import UserSession
from casework.accounts.sessions import SESSIONS_ENDED
from casework.core.models import AuditEvent
from tests.admin.utils import changeform_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = resolve_url(settings.LOGIN_URL)
LOCKED_TEXT = "Too many failed logins"


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_user_name_from_that_ip_even_with_the_right_password(client, caseworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "caseworker_a", "wrong").status_code == 200

    locked = attempt(client, "caseworker_a", "wrong")
    assert locked.status_code == 429 and LOCKED_TEXT in locked.content.decode()
    right = attempt(client, "caseworker_a", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # Another computer is not locked out by someone else's guesses.
    assert attempt(Client(), "caseworker_a", PASSWORD, ip="198.51.100.9").status_code == 302


def test_the_lockout_message_does_not_tell_whether_the_user_exists(client, caseworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "caseworker_a", "wrong")
        attempt(client, "nobody-by-this-name", "wrong")

    known = attempt(client, "caseworker_a", "wrong")
    unknown = attempt(client, "nobody-by-this-name", "wrong")

    assert known.status_code == unknown.status_code == 429

    def without_csrf(response):
        return re.sub(r'(X-CSRFToken": "|value=")[^"]+"', "", response.content.decode())

    assert without_csrf(known) == without_csrf(unknown)


def test_failed_and_successful_logins_and_the_lockout_are_audited_without_the_typed_name_or_password(
    client, caseworker_a
):
    attempt(client, "caseworker_a", "wrong-secret")
    attempt(client, "my-password-in-the-wrong-field", "x")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "caseworker_a", "wrong-secret")
    attempt(Client(), "caseworker_a", PASSWORD, ip="198.51.100.9")

    failed = AuditEvent.objects.filter(action="accounts.user.login_failed")
    assert failed.filter(target_id=str(caseworker_a.pk)).count() >= settings.AXES_FAILURE_LIMIT
    assert failed.filter(target_id="").count() == 1
    assert AuditEvent.objects.filter(action="accounts.user.locked_out", target_id=str(caseworker_a.pk)).exists()
    logged_in = AuditEvent.objects.get(action="accounts.user.logged_in")
    assert logged_in.actor == caseworker_a and logged_in.data == {"ip": "198.51.100.9"}
    dumped = " ".join(str(e.data) for e in AuditEvent.objects.all())
    assert "wrong-secret" not in dumped and "my-password-in-the-wrong-field" not in dumped


def test_an_administrator_unlocks_a_locked_user(client, client_for, orgadmin_a, caseworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "caseworker_a", "wrong")
    assert attempt(client, "caseworker_a", PASSWORD).status_code == 429

    client_for(orgadmin_a).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [str(caseworker_a.pk)]},
    )

    assert attempt(Client(), "caseworker_a", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.login_unlocked", actor=orgadmin_a).exists()


def test_behind_a_trusted_proxy_the_client_ip_is_the_proxys_view_of_it(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert sessions.client_ip(request) == "10.0.0.2"

    settings.CASEWORK_TRUSTED_PROXY_COUNT = 1

    assert sessions.client_ip(request) == "203.0.113.7"  # the left one is the client's to forge


# --- Sessions ------------------------------------------------------------------------------------


def test_sessions_end_after_15_idle_minutes_by_default_and_at_most_12_hours_after_login():
    assert settings.SESSION_COOKIE_AGE == 15 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 60 * 60


def test_a_session_past_its_absolute_lifetime_is_logged_out_however_active(client_for, caseworker_a):
    client = client_for(caseworker_a)
    assert client.get("/persons/").status_code == 200
    session = client.session
    session[sessions.LOGIN_AT_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()

    response = client.get("/persons/")

    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def test_a_password_change_ends_the_users_other_sessions_but_not_the_current_one(caseworker_a):
    here, elsewhere = _logged_in(caseworker_a), _logged_in(caseworker_a)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
    )

    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert UserSession.objects.filter(user=caseworker_a).count() == 1


def test_a_role_change_ends_the_users_sessions(client_for, orgadmin_a, caseworker_a):
    victim = _logged_in(caseworker_a)
    admin = client_for(orgadmin_a)
    data = changeform_data(admin.get(reverse("admin:accounts_user_change", args=[caseworker_a.pk])))
    data["groups"] = [str(Group.objects.get(name=roles.AUDITOR).pk)]

    assert admin.post(reverse("admin:accounts_user_change", args=[caseworker_a.pk]), data).status_code == 302

    assert victim.get("/").status_code == 302
    assert AuditEvent.objects.get(action=SESSIONS_ENDED).data == {"reason": "roles", "count": 1}


def test_revoking_the_l3_permission_ends_the_users_sessions(client_for, superuser, sensitive_supervisor_a):
    victim = _logged_in(sensitive_supervisor_a)
    admin = client_for(superuser)
    url = reverse("admin:accounts_user_change", args=[sensitive_supervisor_a.pk])
    data = changeform_data(admin.get(url))
    data["user_permissions"] = []

    assert admin.post(url, data).status_code == 302

    assert victim.get("/").status_code == 302


def test_deactivation_ends_the_users_sessions(client_for, orgadmin_a, caseworker_a):
    victim = _logged_in(caseworker_a)
    admin = client_for(orgadmin_a)
    url = reverse("admin:accounts_user_change", args=[caseworker_a.pk])
    data = changeform_data(admin.get(url))
    data.pop("is_active", None)

    assert admin.post(url, data).status_code == 302

    assert AuditEvent.objects.filter(action="accounts.user.deactivated").exists()
    assert not UserSession.objects.filter(user=caseworker_a).exists()
    assert victim.get("/").status_code == 302


def test_an_administrator_ends_all_sessions_of_a_user(client_for, orgadmin_a, caseworker_a):
    first, second = _logged_in(caseworker_a), _logged_in(caseworker_a)

    client_for(orgadmin_a).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [str(caseworker_a.pk)]},
    )

    assert first.get("/").status_code == 302 and second.get("/").status_code == 302


def test_the_profile_lists_my_sessions_and_ends_the_others(caseworker_a):
    here, elsewhere = _logged_in(caseworker_a), _logged_in(caseworker_a)

    html = here.get(reverse("profile")).content.decode()
    assert html.count('name="session"') == 1 and "This session" in html  # the other one has an End button

    here.post(reverse("session_end"), {"which": "others"})

    assert here.get("/").status_code == 200 and elsewhere.get("/").status_code == 302


def test_one_cannot_end_someone_elses_session(caseworker_a, supervisor_a):
    mine, theirs = _logged_in(caseworker_a), _logged_in(supervisor_a)
    row = UserSession.objects.get(user=supervisor_a)

    mine.post(reverse("session_end"), {"session": str(row.pk)})
    mine.post(reverse("session_end"), {"session": "99999999999999999999999"})

    assert theirs.get("/").status_code == 200


def test_the_nightly_purge_drops_the_records_of_expired_sessions(caseworker_a):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from casework.accounts.tasks import purge_expired_sessions

    _logged_in(caseworker_a)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    purge_expired_sessions()

    assert not UserSession.objects.exists()

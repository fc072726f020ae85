"""Login, logout, password change, and the idle session expiry."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = resolve_url(settings.LOGIN_URL)


def test_login_page_is_reachable_without_login_and_styled(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "form-control" in html  # crispy bootstrap5


def test_login_with_good_credentials_goes_to_the_requested_page(client, caseworker_a):
    response = client.post(
        LOGIN_URL + "?next=/persons/", {"username": "caseworker_a", "password": PASSWORD, "next": "/persons/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/persons/"


def test_login_with_bad_credentials_shows_an_error_summary(client, caseworker_a):
    response = client.post(LOGIN_URL, {"username": "caseworker_a", "password": "wrong"})

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_form_and_ends_the_session(client_for, caseworker_a):
    client = client_for(caseworker_a)
    html = client.get("/").content.decode()
    assert f'action="{reverse("logout")}" method="post"' in html

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client_for, caseworker_a):
    assert client_for(caseworker_a).get(reverse("logout")).status_code == 405


def test_password_change_form_and_done_page(client_for, caseworker_a):
    client = client_for(caseworker_a)
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password("a-much-longer-passphrase-42")


def test_password_change_with_bad_input_shows_errors_and_keeps_the_password(client_for, caseworker_a):
    response = client_for(caseworker_a).post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "short", "new_password2": "other"}
    )

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(PASSWORD)


def test_each_request_pushes_the_idle_expiry_forward(client_for, caseworker_a):
    client = client_for(caseworker_a)
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(seconds=60))

    client.get("/")

    expires = Session.objects.get(pk=session.pk).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_idle_session_expires_and_the_user_must_log_in_again(client_for, caseworker_a):
    client = client_for(caseworker_a)
    assert client.get("/persons/").status_code == 200
    # Idle for longer than SESSION_COOKIE_AGE: the stored expiry is in the past.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get("/persons/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_base_layout_has_skip_link_navigation_and_language_switcher(client_for, supervisor_a):
    html = client_for(supervisor_a).get("/").content.decode()

    assert 'href="#main"' in html and 'id="main"' in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert reverse("people:person_list") in html
    assert reverse("admin:index") in html  # staff
    assert reverse("password_change") in html
    assert "vendor/htmx/htmx.min.js" in html


def test_admin_link_is_hidden_from_non_staff(client_for, caseworker_a):
    caseworker_a.is_staff = False
    caseworker_a.save()

    html = client_for(caseworker_a).get("/").content.decode()

    assert reverse("admin:index") not in html


def test_idle_timeout_follows_the_configured_value(client_for, caseworker_a, settings):
    settings.SESSION_COOKIE_AGE = 120  # SESSION_IDLE_TIMEOUT=120
    client = client_for(caseworker_a)

    client.get("/")

    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert timezone.now() + timedelta(seconds=60) < expires <= timezone.now() + timedelta(seconds=120)

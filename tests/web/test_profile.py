"""The profile page (interface language, e-mail digest frequency) and the language switcher saving the choice."""

from datetime import date

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from casework.accounts.models import User
from casework.core.models import AuditEvent
from casework.reminders.selectors import digest_is_due
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("profile")
MONDAY, TUESDAY = date(2025, 6, 2), date(2025, 6, 3)


@pytest.mark.parametrize(
    "role", ["caseworker_a", "fieldworker_a", "supervisor_a", "orgadmin_a", "auditor_a", "caseworker_b", "superuser"]
)
def test_every_role_opens_its_profile_with_its_current_preferences(request, client_for, role):
    user = request.getfixturevalue(role)

    response = client_for(user).get(PROFILE_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"language": "en", "digest_frequency": "daily"}
    assert user.get_username() in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_navbar_links_to_the_profile_next_to_the_password_change(client_for, caseworker_a):
    html = client_for(caseworker_a).get("/").content.decode()

    profile_at = html.index(f'href="{PROFILE_URL}"')
    password_at = html.index(f'href="{reverse("password_change")}"')
    assert abs(profile_at - password_at) < 400


def test_saving_the_profile_stores_both_preferences_and_is_audited(client_for, caseworker_a):
    response = client_for(caseworker_a).post(PROFILE_URL, {"language": "fr", "digest_frequency": "weekly"})

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    caseworker_a.refresh_from_db()
    assert (caseworker_a.language, caseworker_a.digest_frequency) == ("fr", "weekly")
    event = AuditEvent.objects.get(action="accounts.user.preferences_changed")
    assert event.actor == caseworker_a
    assert event.data == {"language": "fr", "digest_frequency": "weekly"}


def test_saved_language_applies_from_the_next_request(client_for, caseworker_a):
    client = client_for(caseworker_a)

    response = client.post(PROFILE_URL, {"language": "ar", "digest_frequency": "daily"}, follow=True)

    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"  # the login page after logout too
    assert '<html lang="ar" dir="rtl">' in client.get("/persons/").content.decode()


def test_saved_language_applies_at_login_on_another_device(client, caseworker_a):
    caseworker_a.language = "fr"
    caseworker_a.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # this browser was last used in English

    response = client.post(resolve_url(settings.LOGIN_URL), {"username": "caseworker_a", "password": PASSWORD})
    html = client.get(response["Location"], follow=True).content.decode()  # the second-factor step

    assert '<html lang="fr" dir="ltr">' in html


def test_language_switcher_saves_the_choice_of_a_logged_in_user(client_for, caseworker_a):
    client = client_for(caseworker_a)

    client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    caseworker_a.refresh_from_db()
    assert caseworker_a.language == "ar"


def test_language_switcher_still_works_before_login(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert '<html lang="ar" dir="rtl">' in client.get("/accounts/login/").content.decode()


def test_unknown_language_from_the_switcher_is_ignored(client_for, caseworker_a):
    client_for(caseworker_a).post(reverse("set_language"), {"language": "xx", "next": "/"})

    caseworker_a.refresh_from_db()
    assert caseworker_a.language == "en"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"language": "xx", "digest_frequency": "daily"}, "language"),
        ({"language": "fr", "digest_frequency": "hourly"}, "digest_frequency"),
        ({"language": "fr"}, "digest_frequency"),
    ],
)
def test_bad_profile_input_is_a_field_error_and_nothing_is_saved(client_for, caseworker_a, data, field):
    response = client_for(caseworker_a).post(PROFILE_URL, data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#id_{field}' in html
    caseworker_a.refresh_from_db()
    assert (caseworker_a.language, caseworker_a.digest_frequency) == ("en", "daily")
    assert not AuditEvent.objects.filter(action="accounts.user.preferences_changed").exists()


def test_posted_user_fields_cannot_change_anything_else(client_for, caseworker_a, org_b):
    client_for(caseworker_a).post(
        PROFILE_URL,
        {"language": "en", "digest_frequency": "off", "organisation": org_b.pk, "is_superuser": "on"},
    )

    caseworker_a.refresh_from_db()
    assert caseworker_a.digest_frequency == "off"
    assert caseworker_a.organisation_id != org_b.pk
    assert not caseworker_a.is_superuser


@pytest.mark.parametrize(
    ("frequency", "due_on_monday", "due_on_tuesday"),
    [("off", False, False), ("daily", True, True), ("weekly", True, False)],
)
def test_digest_frequency_chosen_on_the_profile_drives_the_digest(
    client_for, caseworker_a, frequency, due_on_monday, due_on_tuesday
):
    client_for(caseworker_a).post(PROFILE_URL, {"language": "en", "digest_frequency": frequency})

    user = User.objects.get(pk=caseworker_a.pk)
    assert (digest_is_due(user=user, today=MONDAY), digest_is_due(user=user, today=TUESDAY)) == (
        due_on_monday,
        due_on_tuesday,
    )


def test_a_user_cannot_change_someone_elses_preferences(caseworker_a, supervisor_a):
    from casework.accounts.services import user_set_preferences
    from casework.core.exceptions import DomainError

    with pytest.raises(DomainError):
        user_set_preferences(user=caseworker_a, actor=supervisor_a, language="fr")
    caseworker_a.refresh_from_db()
    assert caseworker_a.language == "en"


def test_user_language_costs_no_extra_query(client_for, caseworker_a, django_assert_max_num_queries):
    factories.PersonFactory(organisation=caseworker_a.organisation)
    caseworker_a.language = "fr"
    caseworker_a.save()
    client = client_for(caseworker_a)

    # session, user, the user's organisation (its name is shown), the user's sessions, their backup codes left,
    # whether they have a second factor (app and backup devices: 2), session save (in a savepoint: 3), and
    # the user's and their groups' permissions for the navigation's Imports link (once per request)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("profile"))

    assert '<html lang="fr" dir="ltr">' in response.content.decode()

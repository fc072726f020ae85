"""Logging in in a real browser: the password, then the second factor (enrolment the first time), the lockout,
and pages that break no rule of the Content-Security-Policy."""

import base64
import re

import pytest
from django.conf import settings
from django_otp.oath import totp

from tests import factories
from tests.browser.conftest import give_password

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def app_code(secret: str) -> str:
    """What an authenticator app shows for the key the setup page gave (base32 without padding)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


@pytest.mark.browser
def test_first_login_enrols_an_app_then_a_backup_code_opens_the_next_login(page, caseworker_a):
    give_password(page, caseworker_a, next_url="/persons/")

    # A password alone: the enrolment page, with the QR code and the key to type.
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/setup/"))
    expect(page.locator("#otp-qr svg")).to_be_visible()
    page.goto("/persons/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/setup/"))
    secret = page.locator("#otp-secret").inner_text()

    page.locator("input[name=token]").fill(app_code(secret))
    page.locator("#second-factor-setup-form button[type=submit]").click()

    codes = page.locator("#backup-codes li")
    expect(codes).to_have_count(settings.CASEWORK_BACKUP_CODE_COUNT)
    first_code = codes.first.inner_text()
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page).to_have_url(re.compile(r"/persons/$"))
    expect(page.locator("#current-user")).to_have_text("caseworker_a")

    page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
    give_password(page, caseworker_a)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?"))
    page.locator("input[name=token]").fill("not-a-code")
    page.locator("#second-factor-form button[type=submit]").click()
    expect(page.locator("#second-factor-form")).to_contain_text("This code is not valid")
    expect(page.locator("#current-user")).to_have_text("caseworker_a")  # logged in, but no page opens
    page.goto("/persons/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))

    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.filter(user=caseworker_a).update(throttling_failure_count=0)  # the wait after a failure
    page.locator("input[name=token]").fill(first_code)
    page.locator("#second-factor-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/persons/$"))


@pytest.mark.browser
def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(page, caseworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        give_password(page, caseworker_a, password="not-the-password")

    expect(page.locator("#locked-out")).to_be_visible()
    give_password(page, caseworker_a)
    expect(page.locator("#locked-out")).to_contain_text("Too many failed logins")
    page.goto("/persons/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
def test_pages_load_without_a_content_security_policy_violation(page, login, caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    login(page, caseworker_a)
    for url in ("/", "/persons/", f"/persons/{person.public_id}/", "/accounts/profile/"):
        page.goto(url)
        page.wait_for_load_state("load")

    assert violations == []

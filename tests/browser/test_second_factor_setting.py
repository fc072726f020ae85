"""The organisation's second-factor setting in a real browser: its admin turns "second factor for every user"
off in the organisation's admin page, and a plain caseworker then logs in with the password alone; turned on
again, the caseworker's open session is sent to enrol a factor. Staff, organisation admins and holders of the
L3 permission give a factor whatever the setting."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from casework.accounts import roles
from casework.core.models import AuditEvent
from tests import factories
from tests.browser.conftest import give_password

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

SECOND_FACTOR_STEP = re.compile(r"/accounts/second-factor/(setup/)?(\?|$)")


@pytest.fixture
def plain_caseworker(org_a):
    """A caseworker with no admin access and no rights beyond their caseload: the only user the setting spares."""
    return factories.UserFactory(username="plain_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=False)


def _set_second_factor_for_all(page, organisation, *, on: bool) -> None:
    """In the organisation admin's session: tick or untick the setting on the organisation's admin page, save."""
    page.goto(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    box = page.locator("input[name=require_second_factor_for_all]")
    box.set_checked(on)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


@pytest.mark.browser
def test_the_organisation_admin_switches_the_second_factor_for_a_plain_caseworker(
    chromium, live_server, login, org_a, orgadmin_a, plain_caseworker
):
    admin_context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    worker_context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    try:
        admin_page, worker_page = admin_context.new_page(), worker_context.new_page()

        # On by default: the password alone leads the caseworker to enrol a factor, and no page opens.
        give_password(worker_page, plain_caseworker, next_url="/persons/")
        expect(worker_page).to_have_url(SECOND_FACTOR_STEP)
        worker_page.goto("/persons/")
        expect(worker_page).to_have_url(SECOND_FACTOR_STEP)
        worker_page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()

        # The organisation admin (who gives a factor) turns it off for the organisation's plain users.
        login(admin_page, orgadmin_a)
        _set_second_factor_for_all(admin_page, org_a, on=False)
        org_a.refresh_from_db()
        assert org_a.require_second_factor_for_all is False
        assert AuditEvent.objects.filter(action="accounts.organisation.second_factor_policy_changed").exists()

        # The password alone now opens the caseworker's pages; the profile offers a factor anyway.
        give_password(worker_page, plain_caseworker, next_url="/persons/")
        expect(worker_page).to_have_url(re.compile(r"/persons/$"))
        expect(worker_page.locator("#current-user")).to_have_text("plain_caseworker")
        worker_page.goto("/accounts/profile/")
        expect(worker_page.locator("#second-factor-missing")).to_be_visible()

        # Turned on again: the caseworker's open session is sent to enrol at the next page.
        _set_second_factor_for_all(admin_page, org_a, on=True)
        worker_page.goto("/persons/")
        expect(worker_page).to_have_url(SECOND_FACTOR_STEP)
    finally:
        admin_context.close()
        worker_context.close()


@pytest.mark.browser
def test_staff_organisation_admins_and_l3_holders_give_a_factor_even_when_the_organisation_spares_others(
    chromium, live_server, org_a
):
    org_a.require_second_factor_for_all = False
    org_a.save(update_fields=["require_second_factor_for_all"])
    staff = factories.UserFactory(username="staff_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=True)
    org_admin = factories.UserFactory(
        username="plain_orgadmin", organisation=org_a, role=roles.ORGANISATION_ADMIN, is_staff=False
    )
    l3_holder = factories.UserFactory(
        username="l3_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=False
    )
    l3_holder.user_permissions.add(Permission.objects.get(codename="view_sensitive_data"))

    for user in (staff, org_admin, l3_holder):
        context = chromium.new_context(base_url=live_server.url, locale="en-GB")
        try:
            page = context.new_page()
            give_password(page, user, next_url="/persons/")
            expect(page).to_have_url(SECOND_FACTOR_STEP)
            page.goto("/persons/")
            expect(page).to_have_url(SECOND_FACTOR_STEP)
        finally:
            context.close()

"""The language switcher, right-to-left Arabic, and screenshots of the main pages in English and Arabic.

Screenshots go to test-artifacts/screenshots/<page>-<language>.png (full page, not committed).
"""

import re

import pytest

from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def _switch_language(page, code: str, timeout: float = 5000) -> None:
    """Choose a language in the navigation bar's switcher and submit it (works in any language)."""
    page.locator("#language-select").select_option(code)
    page.locator("#language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code, timeout=timeout)


@pytest.mark.browser
def test_switch_to_arabic_is_right_to_left_and_main_pages_are_captured(page, login, screenshot, caseworker_a, org_a):
    person = factories.PersonFactory(
        organisation=org_a,
        assigned_to=caseworker_a,
        given_name_lat="Maryam",
        family_name_lat="al-Maghribi",
        given_name_ar="مريم",
        father_name_ar="أحمد",
        family_name_ar="المغربي",
    )
    factories.AliasFactory(person=person, name="Umm Yusuf")
    factories.NationalityClaimFactory(person=person, country="MA")
    factories.CustodyPeriodFactory(person=person, facility=factories.FacilityFactory(name="Roj"))
    factories.PersonFactory.create_batch(3, organisation=org_a, assigned_to=caseworker_a)
    pages = {
        "person-list": "/persons/",
        "person-detail": f"/persons/{person.public_id}/",
        "intake-form": "/persons/new/",
    }

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    screenshot(page, "login-en")
    login(page, caseworker_a)
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        screenshot(page, f"{name}-en")

    _switch_language(page, "ar")

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("link[rel=stylesheet][href*='bootstrap.rtl']")).to_have_count(1)
    # The switcher sent the user back to the page they were on (the intake form), now in Arabic.
    expect(page).to_have_url(re.compile(r"/persons/new/$"))
    # Laid out right to left: the page's text starts on the right.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        screenshot(page, f"{name}-ar")
    # Names stay as written, in both scripts.
    page.goto(pages["person-detail"])
    expect(page.locator("#person-header")).to_contain_text("مريم أحمد المغربي")
    expect(page.locator("#person-header")).to_contain_text("Maryam")

    page.locator("form[action$='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "login-ar")


@pytest.mark.browser
def test_language_can_be_switched_on_the_login_page(page):
    page.goto("/accounts/login/")

    _switch_language(page, "ar", timeout=2000)

    expect(page.locator("html")).to_have_attribute("dir", "rtl")

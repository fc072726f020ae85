"""The dashboard in a browser: the charts are drawn from the page's JSON in English and in Arabic (right to left).

Screenshots: test-artifacts/screenshots/dashboard-<language>.png (and a print rendering).
"""

import re
from datetime import date

import pytest

from casework.govrequests.choices import Decision, RequestStatus
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

CHARTS = 6


@pytest.mark.browser
def test_the_dashboard_draws_its_charts_in_english_and_arabic(page, login, screenshot, supervisor_a, org_a):
    france = factories.GovernmentAuthorityFactory(country="FR")
    request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=france, status=RequestStatus.SUBMITTED, submitted_on=date(2025, 1, 10)
    )
    for i in range(7):
        person = factories.PersonFactory(organisation=org_a)
        factories.NationalityClaimFactory(person=person, country="FR")
        factories.RequestedPersonFactory(
            request=request, person=person, decision=Decision.ACCEPTED if i % 2 else Decision.PENDING
        )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, supervisor_a)
    page.locator("#dashboard-link").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(CHARTS)
    expect(page.locator("table[data-table=waiting] tbody tr")).to_have_count(1)
    screenshot(page, "dashboard-en")

    page.locator("#language-select").select_option("ar")
    page.locator("#language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(CHARTS)
    screenshot(page, "dashboard-ar")
    page.emulate_media(media="print")
    screenshot(page, "dashboard-ar-print")

    assert errors == []

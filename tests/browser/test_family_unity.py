"""A split decision recorded in the browser: the family-unity warning on the request page, in English and Arabic."""

from datetime import date

import pytest

from casework.govrequests.choices import RequestStatus
from casework.people import services as people_services
from casework.people.choices import Relation, Sex
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.browser
def test_recording_a_split_decision_shows_who_would_be_separated_in_english_and_arabic(
    page, login, screenshot, supervisor_a, org_a
):
    mother = factories.PersonFactory(
        organisation=org_a, sex=Sex.FEMALE, given_name_lat="Amina", family_name_lat="Dupont", given_name_ar="أمينة"
    )
    child = factories.PersonFactory(organisation=org_a, child=True, given_name_lat="Yusuf", family_name_lat="Dupont")
    people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a,
        authority=factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs"),
        status=RequestStatus.SUBMITTED,
        submitted_on=date(2025, 1, 10),
    )
    for person in (mother, child):
        factories.RequestedPersonFactory(request=gov_request, person=person)
    login(page, supervisor_a, next_url=f"/requests/{gov_request.public_id}/")
    expect(page.locator("#family-unity-warning")).to_have_count(0)

    decisions = page.locator("#decisions")
    decisions.get_by_label(mother.case_number).select_option("refused")
    decisions.get_by_label(child.case_number).select_option("accepted")
    decisions.get_by_label("Decided on").fill("2025-03-01")
    decisions.get_by_role("button", name="Record decisions").click()

    warning = page.locator("#family-unity-warning")
    expect(page.locator("#request-status")).to_have_text("Partially accepted")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This would separate a family")
    expect(warning).to_contain_text(f"{child.case_number} {child.display_name} would leave without their mother")
    expect(warning).to_contain_text(mother.case_number)
    screenshot(page, "request-split-family-en")

    page.locator("#language-select").select_option("ar")
    page.locator("#language-form button[type=submit]").click()

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(child.case_number)
    expect(warning).to_contain_text(mother.case_number)
    screenshot(page, "request-split-family-ar")

    # The home page flags the request too.
    page.goto("/")
    expect(page.locator("#split-families")).to_contain_text(gov_request.reference)

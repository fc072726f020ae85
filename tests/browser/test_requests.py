"""A government request for a mother and her children, drafted, sent and decided in the browser."""

import re

import pytest

from casework.govrequests.models import GovernmentRequest
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.browser
def test_request_for_a_family_is_drafted_sent_and_decided(page, login, supervisor_a, caseworker_a, org_a):
    authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(
        organisation=org_a,
        household=household,
        assigned_to=caseworker_a,
        given_name_lat="Amina",
        family_name_lat="Dupont",
    )
    children = [
        factories.PersonFactory(
            organisation=org_a, household=household, child=True, given_name_lat=name, family_name_lat="Dupont"
        )
        for name in ("Yusuf", "Maryam")
    ]
    login(page, supervisor_a, next_url="/requests/new/")

    # Search the family name and tick the mother and her two children.
    page.get_by_label("Name or case number").fill("Dupont")
    page.get_by_role("button", name="Search").click()
    for person in (mother, *children):
        page.locator(f"[data-result='{person.case_number}']").get_by_role("checkbox").check()
    # Searching again keeps the ticked persons as chosen.
    page.get_by_role("button", name="Search").click()
    chosen = page.locator("#id_persons [data-chosen]")
    expect(chosen).to_have_count(3)
    page.get_by_label("Authority").select_option(str(authority.public_id))
    page.get_by_label("Channel").select_option("note_verbale")
    page.get_by_role("button", name="Draft the request").click()

    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}/$"))
    gov_request = GovernmentRequest.objects.get()
    assert set(gov_request.persons.all()) == {mother, *children}
    expect(page.locator(".alert-success")).to_contain_text(f"Request {gov_request.reference} drafted.")
    expect(page.locator("#persons tbody tr[data-case-number]")).to_have_count(3)

    page.locator("#transitions").get_by_role("button", name="Submitted").click()
    expect(page.locator("#request-status")).to_have_text("Submitted")

    # The State accepts the children and refuses the mother.
    decisions = page.locator("#decisions")
    decisions.get_by_label(mother.case_number).select_option("refused")
    for child in children:
        decisions.get_by_label(child.case_number).select_option("accepted")
    decisions.get_by_label("Decided on").fill(gov_request.drafted_on.isoformat())
    decisions.get_by_role("button", name="Record decisions").click()

    expect(page.locator(".alert-success")).to_contain_text("Decisions recorded.")
    expect(page.locator("#request-status")).to_have_text("Partially accepted")
    expect(page.locator(f"#persons tr[data-case-number='{mother.case_number}']")).to_contain_text("Refused")
    for child in children:
        expect(page.locator(f"#persons tr[data-case-number='{child.case_number}']")).to_contain_text("Accepted")
    gov_request.refresh_from_db()
    assert gov_request.status == "partially_accepted"
    assert dict(gov_request.covered.values_list("person_id", "decision")) == {
        mother.pk: "refused",
        children[0].pk: "accepted",
        children[1].pk: "accepted",
    }

"""Merging two records of one person in a real browser, then undoing the merge from the survivor's page."""

import re

import pytest

from casework.merging.models import PersonMerge
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.browser
def test_merge_two_records_then_unmerge(page, login, supervisor_a, org_a):
    first = factories.PersonFactory(organisation=org_a, given_name_lat="Fatima", place_of_birth="Mosul")
    second = factories.PersonFactory(organisation=org_a, given_name_lat="Fatma", place_of_birth="Raqqa")
    factories.DnaTestFactory(person=second)
    login(page, supervisor_a, next_url=first.get_absolute_url())

    # From the person page: name the other record by its case number.
    page.locator("#merge-case").fill(second.case_number)
    page.locator("#merge-start").get_by_role("button").click()
    expect(page.locator("h1")).to_contain_text(second.case_number)
    page.get_by_label("Raqqa").check()
    page.get_by_role("button", name="Preview the merge").click()
    expect(page.locator("#merge-preview")).to_contain_text("Fatma")  # the other's name becomes an alias
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{first.public_id}/$"))
    expect(page.locator(".alert-success")).to_contain_text(f"{second.case_number} was merged into {first.case_number}")
    expect(page.locator("#aliases")).to_contain_text("Fatma")
    first.refresh_from_db()
    assert first.place_of_birth == "Raqqa" and first.dna_tests.count() == 1

    # The old record's address leads here.
    page.goto(second.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"{first.public_id}/$"))

    page.locator("#merges").get_by_role("link").first.click()
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.locator("#merge-undone")).to_contain_text(supervisor_a.get_username())
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into is None and second.dna_tests.count() == 1
    assert first.place_of_birth == "Mosul"
    assert PersonMerge.objects.get().undone_by == supervisor_a

"""Editing a case's records in a real browser: add another name and an identity document with its copy."""

import re

import pytest

from casework.people.models import Alias, IdentityDocument

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.browser
def test_add_an_alias_and_a_document_and_see_them_on_the_detail_page(
    page, login, caseworker_a, person_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(page, caseworker_a, next_url=person_a.get_absolute_url())

    page.locator("#manage-alias_list").click()
    expect(page).to_have_url(re.compile(rf"/persons/{person_a.public_id}/aliases/$"))
    page.locator("#id_aliases-0-kind").select_option("kunya")
    page.locator("#id_aliases-0-name").fill("Umm Khalid")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_aliases-0-name")).to_have_value("Umm Khalid")

    page.goto(person_a.get_absolute_url())
    page.locator("#manage-document_list").click()
    page.get_by_label("Type").select_option("passport")
    page.get_by_label("Number").fill("P1234567")
    page.get_by_label("Issuing State").select_option("FR")
    page.get_by_label("Copy (scan)").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 synthetic"}]
    )
    page.locator("#record-form").get_by_role("button", name="Add").click()
    expect(page.locator("#records")).to_contain_text("P1234567")
    expect(page.get_by_role("link", name="Download copy")).to_be_visible()

    page.goto(person_a.get_absolute_url())
    expect(page.locator("#aliases")).to_contain_text("Umm Khalid")
    expect(page.locator("#documents")).to_contain_text("P1234567")
    assert Alias.objects.get(person=person_a).kind == "kunya"
    assert IdentityDocument.objects.get(person=person_a).file

"""A caseworker's day in a real browser: find a person, register one without a duplicate, edit, move the case."""

import re
from datetime import date

import pytest

from casework.people import services
from casework.people.models import Person
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

PERSON_URL = re.compile(r"/persons/[0-9a-f-]{36}/$")


@pytest.mark.browser
def test_log_in_filter_the_list_and_open_a_person(page, login, caseworker_a, org_a, person_b):
    factories.PersonFactory(organisation=org_a, given_name_lat="Olga", family_name_lat="Petrova")
    wanted = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Olga",
        family_name_lat="Petrova",
        given_name_ar="أولغا",
        status="identity_in_progress",
        assigned_to=caseworker_a,
    )
    factories.PersonFactory(organisation=org_a, given_name_lat="Aisha", family_name_lat="Yilmaz")

    login(page, caseworker_a, next_url="/persons/")

    expect(page.locator("#person-count")).to_have_text("3 persons")
    page.get_by_label("Name or case number").fill("petrova")
    page.get_by_label("Case status").select_option("identity_in_progress")
    page.locator("#person-filters").get_by_role("button", name="Filter").click()

    expect(page.locator("#person-count")).to_have_text("1 person")
    rows = page.locator("#person-table tbody tr[data-case-number]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case-number", wanted.case_number)
    # The filter state is in the URL (bookmarkable).
    expect(page).to_have_url(re.compile(r"[?&]q=petrova(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=identity_in_progress(&|$)"))
    # The text box's change and the submit each ask for the table: let the last answer land before the
    # click, or its swap may replace the row under the pointer (seen once in CI).
    expect(page.locator("#person-filters.htmx-request")).to_have_count(0)

    rows.first.get_by_role("link", name=wanted.case_number).click()

    expect(page).to_have_url(re.compile(rf"/persons/{wanted.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(wanted.case_number)
    expect(page.locator("#person-header")).to_contain_text("Olga Ahmed Petrova")
    expect(page.locator("#person-status-badge")).to_have_text("Identity in progress")
    expect(page.locator("#status-current")).to_contain_text("Identity in progress")


@pytest.mark.browser
def test_clicking_a_person_in_the_list_opens_the_detail_page(page, login, caseworker_a, person_a):
    login(page, caseworker_a, next_url="/persons/")

    page.locator("#person-table").get_by_role("link", name=person_a.case_number).click()

    expect(page).to_have_url(re.compile(rf"/persons/{person_a.public_id}/$"))
    expect(page.locator("#person-filters")).to_have_count(0, timeout=2000)
    expect(page.get_by_role("heading", level=1)).to_have_count(1, timeout=2000)


@pytest.mark.browser
def test_register_a_person_whose_name_matches_an_existing_one(page, login, caseworker_a, org_a):
    existing = factories.PersonFactory(
        organisation=org_a, given_name_lat="Khadija", family_name_lat="Dupont", birth_date=date(1990, 1, 1)
    )
    login(page, caseworker_a, next_url="/persons/")
    page.locator("#person-create-link").click()
    expect(page).to_have_url(re.compile(r"/persons/new/$"))

    page.get_by_label("Given name (Latin)", exact=True).fill("Khadija")
    page.get_by_label("Family name (Latin)", exact=True).fill("Dupont")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Date of birth", exact=True).fill("1990-07-15")
    page.get_by_label("Precision of date of birth").select_option("year")
    page.get_by_role("button", name="Register").click()

    candidates = page.locator("#duplicate-candidates")
    expect(candidates).to_be_visible()
    expect(candidates.locator(f"tr[data-candidate='{existing.case_number}']")).to_be_visible()
    assert Person.objects.count() == 1
    # The input is kept; the user confirms that this is someone else.
    expect(page.get_by_label("Given name (Latin)", exact=True)).to_have_value("Khadija")
    page.get_by_label("This is a new person, not one of the above").check()
    page.get_by_role("button", name="Register").click()

    expect(page).to_have_url(PERSON_URL)
    created = Person.objects.exclude(pk=existing.pk).get()
    assert created.case_number and created.case_number != existing.case_number
    expect(page.locator(".alert-success")).to_contain_text(f"Case {created.case_number} registered.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(created.case_number)
    expect(page.locator("#person-header")).to_contain_text("Khadija Dupont")


@pytest.mark.browser
def test_edit_conflict_keeps_the_input_and_shows_the_other_change(page, login, caseworker_a, supervisor_a, person_a):
    login(page, caseworker_a, next_url=f"/persons/{person_a.public_id}/")
    page.locator("#person-edit-link").click()
    page.get_by_label("Given name (Latin)", exact=True).fill("Fatma")

    # Someone else saves the record while the form is open.
    other = Person.objects.get(pk=person_a.pk)
    other.place_of_birth = "Roubaix"
    services.person_update(person=other, actor=supervisor_a, expected_updated_at=other.updated_at)

    page.get_by_role("button", name="Save changes").click()

    conflict = page.locator("#edit-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Someone else changed this record while you were editing it. Nothing was saved.")
    expect(conflict).to_contain_text("Roubaix")
    expect(page.get_by_label("Given name (Latin)", exact=True)).to_have_value("Fatma")
    # The form shows the user's input, not the other change: saving again would replace it.
    expect(page.get_by_label("Place of birth", exact=True)).to_have_value("")
    assert Person.objects.get(pk=person_a.pk).given_name_lat == person_a.given_name_lat

    # The user takes the other change over and saves again, knowingly: both changes are kept.
    page.get_by_label("Place of birth", exact=True).fill("Roubaix")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(PERSON_URL)
    expect(page.locator(".alert-success")).to_contain_text("Changes saved.")
    saved = Person.objects.get(pk=person_a.pk)
    assert (saved.given_name_lat, saved.place_of_birth) == ("Fatma", "Roubaix")


@pytest.mark.browser
def test_move_a_case_and_see_a_refused_move_explained(page, login, caseworker_a, person_a):
    Person.objects.filter(pk=person_a.pk).update(status="request_pending")
    login(page, caseworker_a, next_url=f"/persons/{person_a.public_id}/")
    status = page.locator("#status")

    # Refused: the move is legal from "Request pending" but no State has accepted the person.
    status.get_by_label("New status").select_option("accepted")
    status.get_by_role("button", name="Change status").click()
    expect(status.locator(".alert-danger")).to_contain_text("No accepted decision yet.")
    expect(page.locator("#status-current")).to_contain_text("Request pending")
    assert Person.objects.get(pk=person_a.pk).status == "request_pending"

    # Allowed (confirmed in the dialog): the panel and the header badge follow without a reload.
    status.get_by_label("New status").select_option("ready_for_request")
    status.get_by_label("Reason", exact=True).fill("The request is being redrafted.")
    status.get_by_role("button", name="Change status").click()
    expect(status.locator(".alert-success")).to_have_text("Case status changed.")
    expect(page.locator("#status-current")).to_contain_text("Ready for request")
    expect(page.locator("#person-status-badge")).to_have_text("Ready for request")
    assert Person.objects.get(pk=person_a.pk).status == "ready_for_request"

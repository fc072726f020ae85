"""Another spelling of a registered name: offered at intake with its reasons, then settled in the review queue."""

import re
from datetime import date

import pytest

from casework.matching.choices import PairStatus
from casework.matching.duplicates import duplicates_scan
from casework.matching.models import DuplicatePair
from casework.people.models import Person
from tests import factories

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.browser
def test_register_another_spelling_then_decide_different_people_in_the_queue(
    page, login, caseworker_a, supervisor_a, org_a
):
    existing = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Fatima",
        father_name_lat="Hussein",
        grandfather_name_lat="",
        family_name_lat="Al-Ali",
        given_name_ar="فاطمة",
        family_name_ar="العلي",
        sex="female",
        birth_date=date(1987, 1, 1),
        birth_date_precision="year",
    )

    # A caseworker registers "Fatma Houssein Alali": the matcher offers Fatima Hussein Al-Ali, saying why.
    login(page, caseworker_a, next_url="/persons/new/")
    page.get_by_label("Given name (Latin)", exact=True).fill("Fatma")
    page.get_by_label("Father's name (Latin)", exact=True).fill("Houssein")
    page.get_by_label("Family name (Latin)", exact=True).fill("Alali")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Date of birth", exact=True).fill("1987-03-01")
    page.get_by_label("Precision of date of birth").select_option("year")
    page.get_by_role("button", name="Register").click()

    candidates = page.locator("#duplicate-candidates")
    expect(candidates).to_be_visible()
    row = candidates.locator(f"tr[data-candidate='{existing.case_number}']")
    expect(row).to_be_visible()
    expect(row.locator(".match-reasons")).to_contain_text("Fatima ≈ Fatma")
    expect(row.locator(".match-reasons")).to_contain_text("Hussein ≈ Houssein")
    # She says she is someone else: registered after the confirmation.
    page.get_by_label("This is a new person, not one of the above").check()
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    created = Person.objects.exclude(pk=existing.pk).get()

    # The nightly scan puts the pair in the supervisors' queue.
    duplicates_scan()
    pair = DuplicatePair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {existing.pk, created.pk}

    page.context.clear_cookies()
    login(page, supervisor_a, next_url="/")
    queue_link = page.locator("#duplicates-to-review").get_by_role("link")
    expect(queue_link).to_have_text("1 pair of records to review")
    queue_link.click()
    rows = page.locator("#duplicate-pairs tbody tr[data-pair]")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two records")
    expect(page.locator("#comparison [data-side]")).to_have_count(2)
    expect(page.locator("#comparison")).to_contain_text("Fatma Houssein Alali")
    expect(page.locator("#comparison")).to_contain_text("Fatima Hussein Al-Ali")
    expect(page.locator("#pair-reasons")).to_contain_text("≈")
    page.get_by_label("Different people").check()
    page.get_by_label("Note").fill("Two women of the same family, seen in person.")
    page.get_by_role("button", name="Record the decision").click()

    expect(page.locator(".alert-success")).to_contain_text("Recorded as different people")
    expect(page.locator("#duplicate-pairs tbody tr[data-pair]")).to_have_count(0)
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.DIFFERENT, supervisor_a)
    duplicates_scan()
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT

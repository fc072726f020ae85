"""Two quick filters on the person list while the first answer is slow (templates/includes/_filter_form.html,
hx-sync="this:replace"): the newer filter aborts the older request, so its table lands at once and only once, and
the older answer, let go later, never replaces it.

Without hx-sync, htmx (2.x) queues the newer request behind the one in flight on the same form: the newer table
waits for the older answer, and the table is swapped twice (the older rows first), which can replace a row under
the pointer. The first expectation below fails then.
"""

import re
from contextlib import suppress

import pytest

from tests import factories

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = playwright.expect

# Counts the filter form's htmx requests that started and that ended (answered, failed or aborted).
COUNT_REQUESTS = """() => {
  window.filterRequests = {started: 0, ended: 0};
  const form = document.getElementById("person-filters");
  form.addEventListener("htmx:beforeRequest", () => { window.filterRequests.started += 1; });
  form.addEventListener("htmx:afterRequest", () => { window.filterRequests.ended += 1; });
}"""
ALL_ENDED = "() => window.filterRequests.started >= 2 && window.filterRequests.ended === window.filterRequests.started"


@pytest.mark.browser
def test_a_slow_older_filter_answer_does_not_replace_the_newer_table(page, login, caseworker_a, org_a):
    older = factories.PersonFactory(
        organisation=org_a, given_name_lat="Olga", family_name_lat="Petrova", status="identity_in_progress"
    )
    newer = factories.PersonFactory(
        organisation=org_a, given_name_lat="Aisha", family_name_lat="Yilmaz", status="assessment"
    )
    login(page, caseworker_a, next_url="/persons/")
    rows = page.locator("#person-table tbody tr[data-case-number]")
    expect(rows).to_have_count(2)
    page.evaluate(COUNT_REQUESTS)

    # The first filter's answer is held back until the second one has landed.
    held = []

    def hold_the_first(route):
        if not held and "status=identity_in_progress" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/persons/\?"), hold_the_first)
    status = page.get_by_label("Case status")
    status.select_option("identity_in_progress")
    page.wait_for_function("() => window.filterRequests.started === 1")
    status.select_option("assessment")

    # The newer table lands while the older answer is still held back.
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case-number", newer.case_number)
    assert len(held) == 1

    # Let the older answer go, then wait until every request the form started has ended.
    with suppress(playwright.Error):  # the browser has aborted the request already
        held[0].continue_()
    page.wait_for_function(ALL_ENDED)

    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case-number", newer.case_number)
    expect(page.locator(f"#person-table tr[data-case-number='{older.case_number}']")).to_have_count(0)

"""The production-like stack, started once per test session (the journey and the drills share it)."""

import os
from collections.abc import Iterator

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.stack.harness import Stack, unavailable_reason


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/stack/" in str(item.fspath):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    reason = unavailable_reason()
    if reason and os.environ.get("CASEWORK_STACK_TESTS") == "1":
        pytest.fail(f"stack tests asked for but cannot run: {reason}")
    if reason:
        pytest.skip(reason)
    running = Stack()
    try:
        running.start()
    except Exception:
        for name in ("web", "worker", "beat", "nginx"):
            print(f"--- {name} log\n{running.log_tail(name)}")
        running.stop()
        raise
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is missing at {CHROMIUM}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


def new_page(browser, url: str):
    """A page in a fresh browser context (its own cookies) on `url`; close its `.context` when done."""
    context = browser.new_context(base_url=url, ignore_https_errors=True, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def page(browser, stack):
    page = new_page(browser, stack.url)
    yield page
    page.context.close()


def log_in(page, stack):
    from playwright.sync_api import expect

    page.goto("/accounts/login/?next=/")
    page.locator("input[name=username]").fill(stack.seed["username"])
    page.locator("input[name=password]").fill(stack.seed["password"])
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/second-factor/" in url)
    page.locator("input[name=token]").fill(stack.seed["backup_codes"].pop())
    page.locator("#second-factor-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
    expect(page.locator("#current-user")).to_have_text(stack.seed["username"])


def upload_scan(page, person_id: str, number: str, scan: bytes):
    """Add a passport with a scanned copy on the person's documents page; the POST's response."""
    page.goto(f"/persons/{person_id}/documents/")
    page.get_by_label("Type").select_option("passport")
    page.get_by_label("Number").fill(number)
    page.get_by_label("Issuing State").select_option("FR")
    page.get_by_label("Copy (scan)").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": scan}]
    )
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.locator("#record-form").get_by_role("button", name="Add").click()
    return response.value

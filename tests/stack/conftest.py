"""The production-like stack, started once per test session (the journey and the drills share it)."""

import os
from collections.abc import Iterator

import pytest

from tests import chromium
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
    reason = chromium.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with chromium.launched_chromium() as browser:
        yield browser


def new_page(browser, url: str):
    """A page in a fresh browser context (its own cookies) on `url`; close its `.context` when done."""
    context = browser.new_context(base_url=url, ignore_https_errors=True, locale="en-GB")
    context.set_default_timeout(20_000)
    return chromium.accepting_page(context)


@pytest.fixture
def page(browser, stack):
    page = new_page(browser, stack.url)
    yield page
    page.context.close()


def log_in(page, stack):
    """Log the seeded user in, with one of the seed's backup codes."""
    seed = stack.seed
    chromium.log_in(page, seed["username"], seed["password"], seed["backup_codes"].pop())


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

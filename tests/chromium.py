"""Debian's Chromium under Playwright, shared by the browser tests (pytest-django's live server) and the
stack tests (the production-like stack): where it is, how it is launched, and the login through the real
form and second-factor step.

No browser is downloaded (`playwright install` is never run): Playwright's Python package ships its own
driver and launches /usr/bin/chromium. Playwright is imported only when a browser starts, so the test
modules still collect (and skip) without it.
"""

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in containers
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright gives every launch a fresh temporary profile (it refuses a --user-data-dir argument).


def unavailable_reason() -> str:
    """Why a browser cannot start here, or "" if it can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's Chromium is missing at {CHROMIUM} (apt-get install chromium)"
    return ""


@contextmanager
def launched_chromium(*, allow_async_unsafe: bool = False) -> Iterator[Any]:
    """A headless Chromium, closed (and Playwright stopped) on leaving.

    Playwright's sync API keeps an asyncio event loop marked as running in this thread while it is
    started. Django then sees "an async context" and raises SynchronousOnlyOperation on every ORM call
    from the test thread. `allow_async_unsafe` switches that check off (DJANGO_ALLOW_ASYNC_UNSAFE, read
    by Django on each call) only while Playwright runs, for tests that use the ORM in-process; the
    variable is restored after `stop()`, when no loop runs any more.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    if allow_async_unsafe:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if allow_async_unsafe:
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def accepting_page(context: Any) -> Any:
    """A new page of `context` that accepts confirmation dialogs (htmx `hx-confirm`); Playwright would dismiss them."""
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def give_password(page: Any, username: str, password: str, *, next_url: str = "/") -> None:
    """The first login step: the login form, filled in and sent."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()


def log_in(page: Any, username: str, password: str, code: str, *, next_url: str = "/") -> None:
    """Log in through the login form and the second-factor step (with `code`), in whatever language the page is shown."""
    from playwright.sync_api import expect

    give_password(page, username, password, next_url=next_url)
    page.wait_for_url(lambda url: "/accounts/second-factor/" in url)
    page.locator("input[name=token]").fill(code)
    page.locator("#second-factor-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
    expect(page.locator("#current-user")).to_have_text(username)

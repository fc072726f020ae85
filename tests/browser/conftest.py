"""Browser tests: Playwright drives Debian's Chromium (`apt-get install chromium`) against pytest-django's live server.

No browser is downloaded (`playwright install` is never run): Playwright's Python package ships
its own driver and launches /usr/bin/chromium. Without Chromium or Playwright the tests skip.

The live server (`live_server`, session-scoped, `transactional_db` for each test) runs in a thread
of this process and serves /static/ itself: pytest-django wraps it in Django's StaticFilesHandler,
which serves through the finders even with DEBUG off, so no `collectstatic` or WhiteNoise settings
are needed (tests/conftest.py already replaces the manifest storage with the plain one).

Users log in through the real login form with `tests.factories.PASSWORD`, then the real second-factor
step with a one-time backup code made for that login (an app code could not be given twice in 30 s).
"""

import importlib.util
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factories

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


def unavailable_reason() -> str:
    """Why browser tests cannot run here, or "" if they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's Chromium is missing at {CHROMIUM} (apt-get install chromium)"
    return ""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium for the tests of one module (each test gets its own context).

    Module-scoped, not session-scoped: while Playwright runs, its event loop counts as running in
    this thread and DJANGO_ALLOW_ASYNC_UNSAFE is set (see below). Kept for the whole session, both
    leaked into every later test of the same pytest(-xdist) worker, e.g. a `manage.py check --deploy`
    subprocess inherited the variable and failed with async_unsafe warning W021. pytest tears a
    module fixture down before the worker runs a test of another module, so nothing leaks.
    """
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop marked as running in this thread while it
    # is started. Django then sees "an async context" and raises SynchronousOnlyOperation on every
    # ORM call from the test thread (factories, database assertions). The tests are plain
    # synchronous code, so the check is switched off, only while Playwright runs (Django reads the
    # variable on each call). After `stop()` no loop runs and the variable is restored.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A fresh context (cookies, storage) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Any:
    """A page that accepts confirmation dialogs (htmx `hx-confirm`); Playwright would dismiss them."""
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def backup_code_for(user: Any) -> str:
    """A fresh one-time backup code of `user` (who is enrolled from then on)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    return device.token_set.create(token=StaticToken.random_token()).token


def give_password(page: Any, user: Any, *, next_url: str = "/", password: str = factories.PASSWORD) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()


@pytest.fixture
def login() -> Callable[[Any, Any], None]:
    """Log a user in through the login form and the second-factor step, in whatever language the page is shown."""

    def log_in(page: Any, user: Any, *, next_url: str = "/") -> None:
        code = backup_code_for(user)
        give_password(page, user, next_url=next_url)
        page.wait_for_url(lambda url: "/accounts/second-factor/" in url)
        page.locator("input[name=token]").fill(code)
        page.locator("#second-factor-form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
        from playwright.sync_api import expect

        expect(page.locator("#current-user")).to_have_text(user.get_username())

    return log_in


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Save a full-page PNG under test-artifacts/screenshots/ (not committed: .gitignore)."""

    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '-', name)}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return save

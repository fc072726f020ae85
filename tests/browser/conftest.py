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

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import chromium as shared
from tests import factories

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium for the tests of one module (each test gets its own context).

    The tests are plain synchronous code that uses the ORM in this thread while Playwright runs, so
    Django's async-safety check is off meanwhile (tests/chromium.py, `allow_async_unsafe`).

    Module-scoped, not session-scoped: while Playwright runs, its event loop counts as running in
    this thread and DJANGO_ALLOW_ASYNC_UNSAFE is set. Kept for the whole session, both
    leaked into every later test of the same pytest(-xdist) worker, e.g. a `manage.py check --deploy`
    subprocess inherited the variable and failed with async_unsafe warning W021. pytest tears a
    module fixture down before the worker runs a test of another module, so nothing leaks.
    """
    reason = shared.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with shared.launched_chromium(allow_async_unsafe=True) as browser:
        yield browser


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
    return shared.accepting_page(browser_context)


def backup_code_for(user: Any) -> str:
    """A fresh one-time backup code of `user` (who is enrolled from then on)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    return device.token_set.create(token=StaticToken.random_token()).token


def give_password(page: Any, user: Any, *, next_url: str = "/", password: str = factories.PASSWORD) -> None:
    shared.give_password(page, user.get_username(), password, next_url=next_url)


@pytest.fixture
def login() -> Callable[[Any, Any], None]:
    """Log a user in through the login form and the second-factor step, in whatever language the page is shown."""

    def log_in(page: Any, user: Any, *, next_url: str = "/") -> None:
        code = backup_code_for(user)
        shared.log_in(page, user.get_username(), factories.PASSWORD, code, next_url=next_url)

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

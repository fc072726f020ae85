"""Shared fixtures: two organisations, a user of every role in each, logged-in clients."""

import importlib
from pathlib import Path

import pytest
from django.conf import global_settings
from django.conf import settings as django_settings
from django.contrib.auth import hashers
from django.utils import translation

from casework.accounts import roles
from tests import factories

# tests.page_access_records: one record of every kind the pages show (the page-access matrix, the read-log walk,
# the fuzz), available to every test module without an import list.
pytest_plugins = ["tests.celery_worker", "tests.fast_flush", "tests.page_access_records"]
POSTGRES_ENGINE = "django.db.backends.postgresql"


# Production's PBKDF2 costs about 0.25 s of CPU per password checked (every login form post, a wrong password
# too); tests hash with MD5, and still read PBKDF2 hashes made outside the run (seed_demo in a subprocess).
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]


def pytest_configure(config) -> None:
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == POSTGRES_ENGINE:
        # The test databases are thrown away: a commit need not wait for its WAL to reach the disk (creating a
        # test database commits once per migration; transactional tests commit every write). Crash safety of
        # the server is unchanged, only the last commits of this session could be lost in a crash.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    # WhiteNoise warns on every request when STATIC_ROOT does not exist.
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    django_settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


def pytest_runtest_setup(item) -> None:
    """Tests marked `postgres` skip, with the reason, where the database is not PostgreSQL (`make test` on SQLite)."""
    if item.get_closest_marker("postgres") and django_settings.DATABASES["default"]["ENGINE"] != POSTGRES_ENGINE:
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")


@pytest.fixture(autouse=True)
def _default_language():
    """A page in Arabic or French leaves its language active in the thread: reset it, so that the next
    test does not read Arabic labels (tests/web/test_i18n.py before tests/pages/test_dashboard.py)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty Django cache (cached reference data of rolled-back tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static URLs without the collectstatic manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def verify_second_factor(client, user) -> None:
    """Mark the client's session as having given the second factor, as the real step does (`sessions.session_verified`).

    The device is a confirmed backup-code device named "test" without codes: it only makes the user enrolled.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from casework.accounts.sessions import VERIFIED_USER_KEY

    device, _created = StaticDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_USER_KEY] = user.pk
    session.save()


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch):
    """`client.force_login(user)` logs in with the second factor given, as after the real two steps.

    Tests of the second-factor step itself log in through the login form instead (tests/security/).
    """
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def org_a():
    return factories.OrganisationFactory(name="Relief Org A", code="ORGA")


@pytest.fixture
def org_b():
    return factories.OrganisationFactory(name="Relief Org B", code="ORGB")


@pytest.fixture
def caseworker_a(org_a):
    return factories.UserFactory(username="caseworker_a", organisation=org_a, role=roles.CASEWORKER)


@pytest.fixture
def fieldworker_a(org_a):
    """A caseworker limited to the cases assigned to them."""
    return factories.UserFactory(
        username="fieldworker_a", organisation=org_a, role=roles.CASEWORKER, sees_assigned_only=True
    )


@pytest.fixture
def supervisor_a(org_a):
    return factories.UserFactory(username="supervisor_a", organisation=org_a, role=roles.SUPERVISOR)


@pytest.fixture
def sensitive_supervisor_a(org_a):
    """A supervisor who also holds the per-user permission for L3 fields."""
    return factories.UserFactory(
        username="sensitive_supervisor_a", organisation=org_a, role=roles.SUPERVISOR, sensitive=True
    )


@pytest.fixture
def orgadmin_a(org_a):
    return factories.UserFactory(username="orgadmin_a", organisation=org_a, role=roles.ORGANISATION_ADMIN)


@pytest.fixture
def auditor_a(org_a):
    return factories.UserFactory(username="auditor_a", organisation=org_a, role=roles.AUDITOR)


@pytest.fixture
def caseworker_b(org_b):
    return factories.UserFactory(username="caseworker_b", organisation=org_b, role=roles.CASEWORKER)


@pytest.fixture
def supervisor_b(org_b):
    return factories.UserFactory(username="supervisor_b", organisation=org_b, role=roles.SUPERVISOR, sensitive=True)


@pytest.fixture
def superuser():
    return factories.UserFactory(username="root", organisation=None, is_superuser=True)


@pytest.fixture
def person_a(org_a, caseworker_a):
    return factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)


@pytest.fixture
def person_b(org_b):
    return factories.PersonFactory(organisation=org_b)


@pytest.fixture
def client_for(client):
    """Log a user in on the test client and return the client."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def send_in_process():
    """Deliver in this process: `send_outbound_message.delay` runs the task (no broker, no eager mode).

    Yields the patched `delay`, so a test can count the enqueues.
    """
    from unittest import mock

    from casework.outbox import tasks

    with mock.patch.object(
        tasks.send_outbound_message, "delay", side_effect=lambda pk: tasks.send_outbound_message(pk)
    ) as delay:
        yield delay


# The default reminder rules as the data migration loads them (its module name starts with a digit).
DEFAULT_REMINDER_RULES = importlib.import_module("casework.reminders.migrations.0002_default_rules").DEFAULT_RULES


@pytest.fixture
def default_rules(db):
    """The default reminder rules. A transactional test flushes the rows the data migration loaded, so a test that
    runs a sweep after one (in the same process) would find no rule: re-create them."""
    from casework.reminders.models import ReminderRule

    for kind, (offsets, recipients, threshold) in DEFAULT_REMINDER_RULES.items():
        ReminderRule.objects.get_or_create(
            kind=kind,
            organisation=None,
            country="",
            defaults={"offsets": offsets, "recipients": recipients, "threshold": threshold},
        )

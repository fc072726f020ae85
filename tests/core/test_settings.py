"""Production settings refuse unsafe configurations; the PostgreSQL database stores Arabic text."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from casework.core.crypto import development_key
from casework.core.models import WorkerHeartbeat

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables set for the test run that would mask what production sees.
_TEST_ONLY = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_ALLOWED_HOSTS",
    "EMAIL_URL",
    "CASEWORK_FIELD_KEYS",
)


def _production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _TEST_ONLY}
    env["DJANGO_SETTINGS_MODULE"] = "casework.settings"
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run(["-c", "import django; django.setup()"], _production_env())

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_settings_start_without_secret_key():
    result = _run(["-c", "import django; django.setup()"], _production_env(DJANGO_DEBUG="1"))

    assert result.returncode == 0, result.stderr


def test_deploy_checks_pass_with_production_environment():
    env = _production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        CASEWORK_FIELD_KEYS=Fernet.generate_key().decode(),
    )

    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_field_keys():
    result = _run(["-c", "import django; django.setup()"], _production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50)))

    assert result.returncode != 0
    assert "CASEWORK_FIELD_KEYS" in result.stderr


def test_production_settings_refuse_a_value_that_is_not_a_key():
    env = _production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), CASEWORK_FIELD_KEYS="not-a-key")

    result = _run(["-c", "import django; django.setup()"], env)

    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr


def test_deploy_check_refuses_the_development_field_key():
    secret = secrets.token_urlsafe(50)
    env = _production_env(
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        CASEWORK_FIELD_KEYS=development_key(secret),
    )

    result = _run(["manage.py", "check", "--deploy"], env)

    assert result.returncode != 0
    assert "casework.E003" in result.stdout + result.stderr


@pytest.mark.django_db
def test_postgresql_test_database_is_utf8_and_round_trips_arabic():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite always stores text as UTF-8")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] == "UTF8"

    name = "أم يوسف عبد الله بن محمد الحسين"
    WorkerHeartbeat.objects.create(worker=name, last_seen_at="2024-01-01T00:00:00Z")

    assert WorkerHeartbeat.objects.get(worker=name).worker == name
    with connection.cursor() as cursor:
        cursor.execute("SELECT char_length(worker) FROM core_workerheartbeat WHERE worker = %s", [name])
        assert cursor.fetchone()[0] == len(name)


@pytest.mark.parametrize(("value", "expected"), [(None, 900), ("600", 600)])
def test_session_idle_timeout_is_read_from_the_environment(value, expected):
    env = _production_env(DJANGO_DEBUG="1")
    env.pop("SESSION_IDLE_TIMEOUT", None)
    if value is not None:
        env["SESSION_IDLE_TIMEOUT"] = value
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"

    result = _run(["-c", code], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(expected), "True", "True"]


@pytest.mark.parametrize(
    ("email_url", "expected"),
    [
        (None, "{var}/mail"),
        ("filemail://", "{var}/mail"),
        ("filemail:///tmp/casework-mail", "/tmp/casework-mail"),
        ("filemail://var/other-mail", "{base}/var/other-mail"),
    ],
)
def test_file_e_mails_land_where_the_readme_says(email_url, expected, tmp_path):
    env = _production_env(DJANGO_DEBUG="1", CASEWORK_VAR_DIR=str(tmp_path))
    env.pop("EMAIL_URL", None)
    if email_url is not None:
        env["EMAIL_URL"] = email_url
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_FILE_PATH)"

    result = _run(["-c", code], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected.format(var=tmp_path, base=BASE_DIR)

"""The deployment files in deploy/ are complete, consistent with the settings, and valid for their tools."""

import configparser
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.ops import nginx

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = {name: DEPLOY / "systemd" / f"casework-{name}.service" for name in ("web", "worker", "beat")}


def _variables(path: Path) -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", path.read_text(), flags=re.MULTILINE))


def test_environment_template_lists_every_setting_of_env_example():
    missing = _variables(ROOT / ".env.example") - _variables(DEPLOY / "casework.env")
    assert not missing, f"deploy/casework.env lacks {sorted(missing)}"


def test_environment_template_lists_every_variable_of_the_gunicorn_config():
    read = set(re.findall(r'os\.environ\.get\("(GUNICORN_[A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    assert read, "no GUNICORN_* variable found: the pattern is out of date"
    missing = read - _variables(DEPLOY / "casework.env")
    assert not missing, f"deploy/casework.env lacks {sorted(missing)}"


def test_environment_template_never_turns_debug_on():
    assert not re.search(r"^DJANGO_DEBUG=\S", (DEPLOY / "casework.env").read_text(), flags=re.MULTILINE)


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS[name])
    return parser


@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_run_as_the_service_user_hardened_and_restarting(name):
    service = _unit(name)["Service"]

    assert service["User"] == "casework"
    assert service["EnvironmentFile"] == "/etc/casework/env"
    assert service["Restart"] == "always"
    for option in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices"):
        assert service[option] == "yes", option
    assert service["ProtectSystem"] == "strict"
    assert set(service["ReadWritePaths"].split()) == {"/srv/casework/var", "/srv/casework/media"}


def test_only_the_beat_unit_runs_beat_and_the_worker_consumes_the_default_queue():
    assert " beat " in _unit("beat")["Service"]["ExecStart"]
    assert all(" beat " not in _unit(n)["Service"]["ExecStart"] for n in ("web", "worker"))
    assert f"-Q {settings.CELERY_TASK_DEFAULT_QUEUE}" in _unit("worker")["Service"]["ExecStart"]
    # The worker may finish a task within the hard time limit before systemd kills it.
    assert int(_unit("worker")["Service"]["TimeoutStopSec"]) > settings.CELERY_TASK_TIME_LIMIT


def test_gunicorn_config_binds_to_loopback_and_logs_no_query_string(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["bind"].startswith("127.0.0.1:")
    assert "%(U)s" in config["access_log_format"] and "%(q)s" not in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]  # the request line holds the query string


def test_nginx_accepts_the_largest_upload_the_app_accepts_and_never_serves_media():
    site = (DEPLOY / "nginx" / "casework.conf").read_text()
    size_mib = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))

    assert size_mib * 1024 * 1024 > settings.IMPORTS_MAX_FILE_SIZE
    assert re.search(r"location /media/ \{\s*return 404;", site)
    assert "alias /srv/casework/media" not in site
    assert "server_tokens off;" in site
    assert "$request_uri" not in site.split("log_format", 1)[1].split(";", 1)[0]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_nginx_config_is_valid(tmp_path):
    conf = nginx.render(tmp_path, http_port=18080, https_port=18443, upstream_port=18001, static_root=tmp_path)

    result = subprocess.run(["nginx", "-t", "-c", conf, "-p", tmp_path], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_scripts_are_executable_and_parse(script):
    path = DEPLOY / script
    assert path.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", path], check=True)

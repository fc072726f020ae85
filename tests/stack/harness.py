"""A production-like Casework stack on loopback, started the way deploy/ runs it in production.

Private PostgreSQL cluster and Redis server (so that the fault drills can restart them without touching
the machine's own services), gunicorn with deploy/gunicorn.conf.py and production settings (DEBUG
off, a generated secret key), the Celery worker and beat as the systemd units start them, nginx with
the shipped site (deploy/nginx/casework.conf) and a throw-away certificate, and an aiosmtpd sink.
"""

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.ops import nginx
from tests.stack import smtp

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
AS_ROOT = os.geteuid() == 0
RESULTS = ROOT / "test-artifacts" / "drills.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def unavailable_reason() -> str:
    """Why the stack cannot start here, or "". Asked for (CASEWORK_STACK_TESTS=1), a missing tool is a failure."""
    if os.environ.get("CASEWORK_STACK_TESTS") != "1":
        return "production-like stack tests run in CI (.ci/run sets CASEWORK_STACK_TESTS=1)"
    for tool in ("nginx", "redis-server", "openssl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if postgres_bin() is None:
        return "PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)"
    return ""


def wait_for(check: Callable[[], Any], *, timeout: float, what: str, every: float = 0.25) -> Any:
    """Poll `check` until it returns something truthy; its value. TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception as exc:
            last_error = exc
            value = None
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"{what} not within {timeout:.0f} s (last error: {last_error!r})")


def record(name: str, seconds: float, **details: Any) -> None:
    """Add a drill's outcome to test-artifacts/drills.json (docs/operations.md quotes a CI run's figures)."""
    RESULTS.parent.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[name] = {"recovery_seconds": round(seconds, 1), **details}
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))
    print(f"drill {name}: recovered in {seconds:.1f} s {details}")


class Stack:
    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="casework-stack-", dir="/tmp"))
        self.base.chmod(0o755)
        self.ports = {name: free_port() for name in ("postgres", "redis", "smtp", "web", "http", "https")}
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = self.base / "logs"
        self.logs.mkdir()
        self.var = self.base / "var"
        self.media = self.base / "media"
        self.pgdata = self.base / "pgdata"
        self.seed: dict[str, str] = {}
        self.smtp_controller, self.smtp = None, None
        self.url = f"https://127.0.0.1:{self.ports['https']}"
        self.env = self._app_env()

    # --- environment ---------------------------------------------------------------------------
    def _app_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASEWORK_", "CELERY_", "PYTEST"))}
        env.update(
            {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                # Production settings refuse to start without the key of the encrypted (L3) fields.
                "CASEWORK_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_CSRF_TRUSTED_ORIGINS": self.url,
                "CASEWORK_SITE_URL": self.url,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/casework",
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
                "EMAIL_URL": f"smtp://127.0.0.1:{self.ports['smtp']}",
                "DEFAULT_FROM_EMAIL": "casework@stack.example.org",
                "CASEWORK_VAR_DIR": str(self.var),
                "CASEWORK_MEDIA_ROOT": str(self.media),
                # Short retry and recovery periods, so that the drills finish in seconds (docs/operations.md
                # gives the production figures for the defaults).
                "CASEWORK_EMAIL_RETRY_BACKOFF_MAX": "2",
                "CASEWORK_OUTBOX_STALE_AFTER_SECONDS": "15",
                "CASEWORK_OUTBOX_REQUEUE_EVERY_SECONDS": "5",
                "CELERY_BROKER_VISIBILITY_TIMEOUT": "20",
                "GUNICORN_BIND": f"127.0.0.1:{self.ports['web']}",
                "GUNICORN_WORKERS": "2",
                "GUNICORN_ACCESS_LOG": str(self.logs / "gunicorn-access.log"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("DATABASE_URL_TEST", None)
        return env

    def _run(self, *args: Any, **kwargs: Any) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kwargs)

    def manage(self, *args: str) -> str:
        return self._run(sys.executable, ROOT / "manage.py", *args, cwd=ROOT, env=self.env).stdout

    def _manage_in_background(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def sql(self, query: str) -> str:
        return self._run("psql", self.env["DATABASE_URL"], "-Atc", query).stdout.strip()

    def _spawn(self, name: str, args: list[Any], **kwargs: Any) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the process writes to it until stopped
        process = subprocess.Popen(
            [str(a) for a in args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.processes[name] = process
        return process

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # --- PostgreSQL and Redis (private instances) -----------------------------------------------
    def _as_postgres(self, *args: Any) -> list[str]:
        cmd = [str(a) for a in args]
        return ["runuser", "-u", "postgres", "--", *cmd] if AS_ROOT else cmd

    def start_postgres(self) -> None:
        pg = postgres_bin()
        if not self.pgdata.exists():
            self.pgdata.mkdir(mode=0o700)
            if AS_ROOT:
                shutil.chown(self.pgdata, "postgres", "postgres")
            subprocess.run(
                self._as_postgres(pg / "initdb", "-D", self.pgdata, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                  "--no-sync"),
                check=True, capture_output=True,
            )  # fmt: skip
        options = f"-p {self.ports['postgres']} -k {self.pgdata} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            self._as_postgres(pg / "pg_ctl", "-D", self.pgdata, "-o", options, "-l", self.pgdata / "server.log",
                              "-w", "start"),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop_postgres(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_postgres(postgres_bin() / "pg_ctl", "-D", self.pgdata, "-m", mode, "-w", "stop"),
            check=False, capture_output=True,
        )  # fmt: skip

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            ["redis-server", "--port", self.ports["redis"], "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", self.base],
        )  # fmt: skip
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.ports["redis"]), 1), timeout=20, what="redis")

    # --- the application ------------------------------------------------------------------------
    def start_web(self) -> None:
        self._spawn("web", [VENV_BIN / "gunicorn", "--config", ROOT / "deploy/gunicorn.conf.py",
                            "casework.wsgi:application"], cwd=ROOT, env=self.env)  # fmt: skip

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [VENV_BIN / "celery", "-A", "casework", "worker", "-Q", "casework", "-l", "INFO", "--concurrency", "1",
             "--without-gossip", "--without-mingle", "-n", f"stack-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip

    def start_beat(self) -> None:
        self._spawn("beat", [VENV_BIN / "celery", "-A", "casework", "beat", "-l", "INFO"], cwd=ROOT, env=self.env)

    def start_nginx(self, name: str = "nginx", *, https_port: int = 0, upstream_port: int = 0) -> None:
        directory = self.base / name
        directory.mkdir(exist_ok=True)
        conf = nginx.render(
            directory,
            http_port=self.ports["http"] if name == "nginx" else free_port(),
            https_port=https_port or self.ports["https"],
            upstream_port=upstream_port or self.ports["web"],
            static_root=self.var / "staticfiles",
        )
        self._spawn(name, ["nginx", "-c", conf, "-p", directory, "-g", "daemon off;"])

    def start_copy(self, *, database: str, media: Path) -> str:
        """The web server (gunicorn behind nginx, one worker) on another database and media directory, as an
        operator starts it on a restored copy; its URL. `stop_copy` stops it."""
        https_port, web_port = free_port(), free_port()
        url = f"https://127.0.0.1:{https_port}"
        env = {
            **self.env,
            "DATABASE_URL": self.env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}",
            "CASEWORK_MEDIA_ROOT": str(media),
            "DJANGO_CSRF_TRUSTED_ORIGINS": url,
            "CASEWORK_SITE_URL": url,
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_ACCESS_LOG": str(self.logs / "copy-access.log"),
        }
        self._spawn("copy-web", [VENV_BIN / "gunicorn", "--config", ROOT / "deploy/gunicorn.conf.py",
                                 "casework.wsgi:application"], cwd=ROOT, env=env)  # fmt: skip
        self.start_nginx("copy-nginx", https_port=https_port, upstream_port=web_port)
        wait_for(lambda: self.get("/accounts/login/", base=url)[0] == 200, timeout=60, what="the restored copy's web")
        return url

    def stop_copy(self) -> None:
        for name in ("copy-nginx", "copy-web"):
            self.stop_process(name)

    def health(self) -> dict[str, Any]:
        return json.loads(self.get("/health/", ok_statuses=(200, 503))[1])

    def get(
        self, path: str, *, ok_statuses: tuple[int, ...] = (200,), base: str = ""
    ) -> tuple[int, bytes, dict[str, str]]:
        import ssl

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        request = urllib.request.Request((base or self.url) + path)
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                status, body, headers = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            status, body, headers = exc.code, exc.read(), dict(exc.headers)
        if status not in ok_statuses:
            raise AssertionError(f"GET {path}: {status}")
        return status, body, headers

    def start(self) -> None:
        self.var.mkdir()
        self.media.mkdir(mode=0o750)
        self.start_postgres()
        self.start_redis()
        self.smtp_controller, self.smtp = smtp.start(self.ports["smtp"])
        self._run("psql", f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/postgres", "-qc",
                  "CREATE DATABASE casework ENCODING 'UTF8' TEMPLATE template0")  # fmt: skip
        # collectstatic and the deploy checks need no database: they run while migrate does (the CI machine has 2 cores).
        beside = [
            self._manage_in_background("collectstatic", "--noinput"),
            self._manage_in_background("check", "--deploy", "--fail-level", "WARNING"),
        ]
        self.manage("migrate", "--noinput")
        for process in beside:
            stdout, stderr = process.communicate(timeout=600)
            if process.returncode:
                raise subprocess.CalledProcessError(process.returncode, process.args, stdout, stderr)
        self.seed = json.loads(
            self._run(sys.executable, "-m", "tests.stack.seed", cwd=ROOT, env=self.env).stdout.strip().splitlines()[-1]
        )
        self.start_web()
        self.start_worker()
        self.start_beat()
        self.start_nginx()
        wait_for(lambda: self.health()["status"] == "ok", timeout=120, what="a healthy stack (web, worker, beat)")

    def stop(self) -> None:
        for name in ("copy-nginx", "copy-web", "nginx", "beat", "worker", "web", "redis"):
            self.stop_process(name)
        if self.smtp_controller is not None:
            self.smtp_controller.stop()
        self.stop_postgres("immediate")
        subprocess.run(["umount", self.media], check=False, capture_output=True)
        if os.environ.get("CASEWORK_STACK_KEEP") != "1":
            shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

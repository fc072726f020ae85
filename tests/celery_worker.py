"""A real Celery worker in a subprocess, for tests that must cross the broker.

Most tests run tasks in-process. The few that must prove a task really travels through
Redis to a worker and writes to the database use `running_worker()`:

    with running_worker() as worker:
        worker.send(record_worker_heartbeat)
        ...poll the database...

The worker consumes only a queue whose name is unique to this run, so a stray worker
elsewhere on the machine cannot steal the message. It connects to the *test* database
(pytest-django's renamed one), so the test needs `django_db(transaction=True)`: the
worker sees only committed rows. SQLite's test database lives in memory and cannot be
shared with another process, so on SQLite the helper skips the test.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_TEST_BROKER = "redis://127.0.0.1:6379/5"
READY_TIMEOUT = 30.0


def worker_broker_url() -> str:
    """Redis URL for worker tests: CELERY_BROKER_URL when it is Redis, else db 5 on localhost."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith(("redis://", "rediss://")) else DEFAULT_TEST_BROKER


def isolated_broker_url() -> str:
    """A Redis database of its own per xdist worker, for tests that kill workers.

    A starting worker puts back every message that has been unacknowledged for longer than *its*
    visibility timeout in its whole Redis database, whatever the queue: a kill test's worker (3 s)
    would hand a slow task of a test running beside it on the other xdist worker to a second worker.
    """
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(urlsplit(worker_broker_url())._replace(path=f"/{10 + index}"))


def redis_unreachable_reason(url: str) -> str | None:
    """None if Redis answers PING at `url`, else a reason to skip."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {url} ({exc.__class__.__name__}); start it or set CELERY_BROKER_URL"
    return None


def worker_database_url() -> str:
    """DATABASE_URL of the database this test process is using (the renamed test database)."""
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a real worker needs a database shared between processes: run with DATABASE_URL=postgres://...")
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or ""
    if host.startswith("/"):
        # A Unix socket directory goes in the query string.
        return f"postgres://{credentials}/{quote(settings['NAME'], safe='')}?host={quote(host, safe='')}"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"


@dataclass
class RunningWorker:
    process: subprocess.Popen
    queue: str
    broker_url: str
    logfile: Path

    def send(self, task: Any, *args: Any, **kwargs: Any) -> Any:
        """Publish `task(*args, **kwargs)` to this worker's queue through the broker (never eagerly)."""
        return self._publish(task, args, kwargs)

    def send_later(self, task: Any, *args: Any, countdown: float) -> Any:
        """Publish `task(*args)` to run in `countdown` seconds: the worker takes it at once and holds it (unacked)."""
        return self._publish(task, args, {}, countdown=countdown)

    def _publish(self, task: Any, args: tuple, kwargs: dict, **options: Any) -> Any:
        app = task.app
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            with app.connection_for_write(self.broker_url) as conn:
                return task.apply_async(args=args, kwargs=kwargs, queue=self.queue, connection=conn, **options)
        finally:
            app.conf.task_always_eager = eager

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (a prefork pool's children too), as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_pool_children(self) -> int:
        """SIGKILL the prefork pool's child processes only (as the OOM killer would); how many."""
        children = [
            int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent_pid(stat) == self.process.pid
        ]
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(children)

    def log(self) -> str:
        """What the worker has logged so far (for assertion messages)."""
        try:
            return self.logfile.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def _parent_pid(stat: Path) -> int | None:
    """The parent's pid in a /proc/<pid>/stat file (after the command name, which may hold spaces)."""
    try:
        return int(stat.read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Call `predicate` until it returns something truthy or `timeout` seconds pass; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@contextlib.contextmanager
def running_worker(
    *, env: dict[str, str] | None = None, queue: str | None = None, pool: str = "solo"
) -> Iterator[RunningWorker]:
    """Start `celery -A casework worker` on a unique queue; stop it when the block ends.

    `env` adds or overrides environment variables of the worker (e.g. EMAIL_URL; a CELERY_BROKER_URL
    there is also where `send` publishes); `pool="prefork"`
    runs the task in a child process, as production does. Skips the calling test if Redis is
    unreachable or the database is SQLite.
    """
    broker_url = (env or {}).get("CELERY_BROKER_URL") or worker_broker_url()
    reason = redis_unreachable_reason(broker_url)
    if reason:
        pytest.skip(reason)
    database_url = worker_database_url()
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"

    worker_env = dict(os.environ)
    worker_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "casework.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": "",
            # Each test opens a fresh worker: no persistent connection to the test database
            # survives it, so pytest-django can drop the database at the end of the session.
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    worker_env.update(env or {})

    tmpdir = Path(tempfile.mkdtemp(prefix="casework-worker-"))
    logfile = tmpdir / "worker.log"
    outfile = tmpdir / "worker.out"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "casework",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "-l",
        "info",
        f"--logfile={logfile}",
    ]
    with outfile.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=worker_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group, so that `kill()` reaches every process of the worker and no other.
            start_new_session=True,
        )
    worker = RunningWorker(process=process, queue=queue, broker_url=broker_url, logfile=logfile)
    try:
        ready = wait_for(lambda: process.poll() is not None or " ready." in worker.log(), timeout=READY_TIMEOUT)
        if process.poll() is not None or not ready:
            output = outfile.read_text(errors="replace")
            raise AssertionError(f"Celery worker did not start (exit code {process.poll()}):\n{output}\n{worker.log()}")
        yield worker
    finally:
        _stop(process)
        _forget_queue(broker_url, queue)
        shutil.rmtree(tmpdir, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL if the worker does not stop within 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _forget_queue(broker_url: str, queue: str) -> None:
    """Delete the run's queue and its bindings from Redis so test runs leave nothing behind."""
    import redis

    with contextlib.suppress(redis.RedisError):
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1)
        # The queue name is unique to this run: every key that contains it is ours.
        keys = [queue, *client.scan_iter(match=f"*{queue}*")]
        client.delete(*keys)
        # Messages a killed worker took and nobody acknowledged: kombu keeps them in one hash for
        # every queue (and a sorted set of their delivery times), until a worker restores them.
        tags = [tag for tag, raw in client.hscan_iter("unacked") if queue.encode() in raw]
        if tags:
            client.hdel("unacked", *tags)
            client.zrem("unacked_index", *tags)
        client.close()


@pytest.fixture
def celery_worker_process(transactional_db: None) -> Iterator[RunningWorker]:
    """A running worker on a unique queue, with the database in transactional mode.

    Available to every test once tests/conftest.py declares `pytest_plugins = ["tests.celery_worker"]`;
    until then, use `with running_worker() as worker:` inside a `django_db(transaction=True)` test.
    """
    with running_worker() as worker:
        yield worker

"""What /health/ checks: web, database, broker, worker and beat, each told apart.

Thresholds: beat sends the worker heartbeat task every 60 s and records its own row every 30 s, so a
row older than three periods means that process (or the path to it) is down.
"""

from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

WORKER_STALE_AFTER_SECONDS = 180
BEAT_STALE_AFTER_SECONDS = 120
BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection.close()
        return "down"
    return "ok"


def broker_status() -> str:
    from casework.celery import app  # the Celery app imports settings; keep it out of import time

    try:
        with app.connection_for_write(url=app.conf.broker_url) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
            # Redis connects lazily: ask it something (the filesystem transport has no client to ask).
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
    except Exception:  # any transport error means the broker cannot take work
        return "down"
    return "ok"


def heartbeat_status(role: str, stale_after: int) -> dict[str, Any]:
    from casework.core.models import WorkerHeartbeat

    last = (
        WorkerHeartbeat.objects.filter(role=role)
        .order_by("-last_seen_at")
        .values_list("last_seen_at", flat=True)
        .first()
    )
    if last is None:
        return {"status": "unknown", "last_seen_seconds_ago": None}
    age = int((timezone.now() - last).total_seconds())
    return {"status": "ok" if age <= stale_after else "stale", "last_seen_seconds_ago": age}


def check() -> tuple[int, dict[str, Any]]:
    """HTTP status and body: 503 only when this web process cannot serve (its database is down)."""
    from casework.core.models import WorkerHeartbeat

    body: dict[str, Any] = {"web": "ok", "database": database_status(), "broker": broker_status()}
    if body["database"] == "ok":
        body["worker"] = heartbeat_status(WorkerHeartbeat.Role.WORKER, WORKER_STALE_AFTER_SECONDS)
        body["beat"] = heartbeat_status(WorkerHeartbeat.Role.BEAT, BEAT_STALE_AFTER_SECONDS)
    else:
        body["worker"] = body["beat"] = {"status": "unknown", "last_seen_seconds_ago": None}
    # Kept for monitoring written against the first version of this endpoint.
    body["worker_last_seen_seconds_ago"] = body["worker"]["last_seen_seconds_ago"]
    healthy = all(body[k] == "ok" for k in ("database", "broker")) and all(
        body[k]["status"] == "ok" for k in ("worker", "beat")
    )
    body["status"] = "ok" if healthy else ("down" if body["database"] != "ok" else "degraded")
    return (503 if body["database"] != "ok" else 200), body

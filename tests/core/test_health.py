"""The health endpoint is public and tells web, database, broker, worker and beat apart."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from casework.core import beat
from casework.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_answers_json_without_login(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["web"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"  # the test settings' broker (filesystem or Redis) is reachable
    assert body["worker"] == {"status": "unknown", "last_seen_seconds_ago": None}
    assert body["beat"] == {"status": "unknown", "last_seen_seconds_ago": None}
    assert body["status"] == "degraded"
    assert "no-cache" in response["Cache-Control"]


def test_health_tells_a_stale_worker_from_a_running_beat(client):
    WorkerHeartbeat.objects.create(worker="worker-1", last_seen_at="2020-01-01T00:00:00Z")
    beat.record_beat_heartbeat()

    body = client.get(reverse("health")).json()

    assert body["worker"]["status"] == "stale"
    assert body["worker"]["last_seen_seconds_ago"] > 0
    assert body["worker_last_seen_seconds_ago"] == body["worker"]["last_seen_seconds_ago"]
    assert body["beat"]["status"] == "ok"
    assert body["status"] == "degraded"


def test_health_is_ok_when_every_part_is(client):
    WorkerHeartbeat.objects.create(worker="worker-1", last_seen_at=timezone.now() - timedelta(seconds=30))
    beat.record_beat_heartbeat()

    body = client.get(reverse("health")).json()

    assert body["status"] == "ok"
    assert body["worker"]["status"] == body["beat"]["status"] == "ok"


def test_health_says_when_the_broker_is_down(client, monkeypatch):
    from casework.celery import app

    original = app.conf.broker_url  # read before the environment is changed below
    # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("health"))
    finally:
        app.conf.broker_url = original

    assert response.status_code == 200
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db(transaction=True)  # the tick closes stale connections, as beat must
def test_beat_scheduler_records_its_heartbeat_on_tick(tmp_path):
    from casework.celery import app

    scheduler = beat.HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.setup_schedule()
    interval = scheduler.tick()

    row = WorkerHeartbeat.objects.get(role=WorkerHeartbeat.Role.BEAT)
    assert row.worker.startswith("beat@")
    assert interval <= beat.HEARTBEAT_EVERY_SECONDS


def test_beat_sends_the_worker_heartbeat_as_it_starts_then_every_period(tmp_path):
    from casework.celery import app

    scheduler = beat.HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    scheduler.setup_schedule()

    entry = scheduler.schedule[beat.WORKER_HEARTBEAT_ENTRY]
    assert entry.task == "casework.core.tasks.record_worker_heartbeat"
    assert entry.is_due().is_due
    assert not scheduler.reserve(entry).is_due().is_due  # once sent, the next one is a period later


def test_home_redirects_anonymous_user_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/"

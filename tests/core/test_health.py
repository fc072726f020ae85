"""The health endpoint is public; everything else asks for a login."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from casework.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_answers_json_without_login(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["worker_last_seen_seconds_ago"] is None
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_age_of_last_worker_heartbeat(client):
    WorkerHeartbeat.objects.create(worker="worker-1", last_seen_at="2020-01-01T00:00:00Z")

    age = client.get(reverse("health")).json()["worker_last_seen_seconds_ago"]

    assert isinstance(age, int)
    assert age > 0


def test_home_redirects_anonymous_user_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/"

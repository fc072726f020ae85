"""A task crosses the real broker to a real worker process and writes to the database."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.core.models import WorkerHeartbeat
from casework.core.tasks import record_worker_heartbeat
from tests.celery_worker import running_worker, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_heartbeat_task_sent_through_redis():
    assert not WorkerHeartbeat.objects.exists()
    sent_at = timezone.now()

    with running_worker() as worker:
        worker.send(record_worker_heartbeat)
        heartbeat = wait_for(lambda: WorkerHeartbeat.objects.first(), timeout=30)
        assert heartbeat is not None, f"no heartbeat row after 30 s; worker log:\n{worker.log()}"

    assert heartbeat.worker == socket.gethostname()
    assert sent_at - timedelta(seconds=5) <= heartbeat.last_seen_at <= timezone.now()

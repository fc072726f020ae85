"""System tasks."""

import socket

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from casework.core.models import WorkerHeartbeat

# The retry policy of the periodic tasks that write (`@shared_task(**DATABASE_RETRY)`): the database
# unreachable (restarted, failed over), the task is retried with backoff instead of being dropped until
# its next scheduled run. Only for tasks that are safe to run again: each runs in transactions that
# roll back on the error, and what a first attempt committed is found by its unique key, not created
# twice. The longest countdown stays well below the broker's visibility timeout (docs/operations.md).
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task
def record_worker_heartbeat() -> str:
    """Touch this worker's heartbeat row; the health page shows when a worker last ran beat's work."""
    worker = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"last_seen_at": timezone.now()})
    return worker

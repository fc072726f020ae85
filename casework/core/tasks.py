"""System tasks."""

import socket

from celery import shared_task
from django.utils import timezone

from casework.core.models import WorkerHeartbeat


@shared_task
def record_worker_heartbeat() -> str:
    """Touch this worker's heartbeat row; the health page shows when a worker last ran beat's work."""
    worker = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"last_seen_at": timezone.now()})
    return worker

"""Celery beat's scheduler with a heartbeat of its own (settings.CELERY_BEAT_SCHEDULER points here).

The worker heartbeat task proves beat + broker + worker together; this row proves beat alone, so that
/health/ can say which of the two stopped. Both go out as beat starts, not one period later, so that /health/
reports a (re)started stack within seconds. Database trouble (a PostgreSQL restart) must never stop beat:
the heartbeat is skipped with a warning and the connection is reopened at the next tick.
"""

import logging
import socket
import time

from celery.beat import PersistentScheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY_SECONDS = 30
# The entry of settings.CELERY_BEAT_SCHEDULE that sends the worker heartbeat task.
WORKER_HEARTBEAT_ENTRY = "record-worker-heartbeat"


def record_beat_heartbeat() -> None:
    from casework.core.models import WorkerHeartbeat  # beat imports this module before Django's apps are ready

    WorkerHeartbeat.objects.update_or_create(
        worker=f"beat@{socket.gethostname()}",
        defaults={"role": WorkerHeartbeat.Role.BEAT, "last_seen_at": timezone.now()},
    )


class HeartbeatScheduler(PersistentScheduler):
    _last_heartbeat = float("-inf")

    def setup_schedule(self) -> None:
        super().setup_schedule()
        # Celery runs an interval entry first one period after beat starts: make the worker heartbeat due now.
        entry = self.schedule.get(WORKER_HEARTBEAT_ENTRY)
        run_every = getattr(entry.schedule, "run_every", None) if entry is not None else None
        if run_every is not None:
            entry.last_run_at = entry.last_run_at - run_every

    def tick(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
            self._last_heartbeat = now
            try:
                close_old_connections()
                record_beat_heartbeat()
            except DatabaseError:
                logger.warning("beat heartbeat not recorded: database unavailable; retrying at the next tick")
                connection.close()
        return min(super().tick(*args, **kwargs), HEARTBEAT_EVERY_SECONDS)

"""Run a write in another session while a merge holds its row locks (PostgreSQL tests of the merge's locking)."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from casework.merging import services
from tests.celery_worker import wait_for


def a_session_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps the first reading of pg_stat_activity: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def run_during_merge(*, survivor: Any, other: Any, merger: Any, write: Callable[[], Any], join: float = 20) -> dict:
    """Merge `other` into `survivor`; once merged (not yet committed), start `write` in another thread and
    check that it waits on a row lock; commit, and return `{"result": …}` or `{"error": exception}`."""
    outcome: dict[str, Any] = {}

    def meanwhile() -> None:
        try:
            outcome["result"] = write()
        except Exception as exc:  # reported to the test's thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=meanwhile)
    with transaction.atomic():
        services.person_merge(
            survivor=survivor,
            other=other,
            actor=merger,
            survivor_version=survivor.updated_at,
            other_version=other.updated_at,
        )
        thread.start()
        assert wait_for(a_session_waits_on_a_lock, timeout=10)
    thread.join(timeout=join)
    assert not thread.is_alive()
    return outcome

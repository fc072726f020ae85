"""The periodic sweep task: idempotent in-process, and through a real worker against Redis (even killed mid-way)."""

import time
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from casework.reminders.choices import RuleKind
from casework.reminders.models import Reminder
from casework.reminders.tasks import sweep_reminders
from tests import factories
from tests.celery_worker import isolated_broker_url, running_worker, wait_for
from tests.reminders.conftest import D


def test_sweep_is_scheduled_daily_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]
    assert entry["task"] == "casework.reminders.tasks.sweep_reminders"
    assert entry["schedule"].hour == {5}
    assert entry["schedule"].minute == {0}


@pytest.mark.django_db
def test_sweep_task_run_twice_raises_each_reminder_once(org_a):
    factories.PersonFactory(organisation=org_a, medical_urgent=True)
    factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(days=14))

    with time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 5, 0)), tick=False):
        first = sweep_reminders()
        rows = list(Reminder.objects.order_by("pk").values_list("pk", "kind", "due_on"))
        second = sweep_reminders()

    assert first == {
        RuleKind.URGENT_MEDICAL: 1,
        RuleKind.REQUEST_NOT_ACKNOWLEDGED: 1,
        "marked_no_response": 0,
        # The request covers nobody: there is no one to follow up.
        "followups_drafted": 0,
        "resolved": 0,
    }
    assert second == {"marked_no_response": 0, "followups_drafted": 0, "resolved": 0}
    assert list(Reminder.objects.order_by("pk").values_list("pk", "kind", "due_on")) == rows
    assert {due_on for _, _, due_on in rows} == {D}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweep_sent_through_redis():
    organisation = factories.OrganisationFactory(code="WRK")
    person = factories.PersonFactory(organisation=organisation, medical_urgent=True)
    day = timezone.localdate()

    with running_worker() as worker:
        worker.send(sweep_reminders)
        reminder = wait_for(lambda: Reminder.objects.filter(person=person).first(), timeout=30)
        assert reminder is not None, f"no reminder after 30 s; worker log:\n{worker.log()}"
        # A second delivery of the same task raises nothing new.
        worker.send(sweep_reminders)
        wait_for(lambda: worker.log().count("succeeded") >= 2, timeout=30)
        assert worker.log().count("succeeded") >= 2, worker.log()

    assert reminder.kind == RuleKind.URGENT_MEDICAL
    # The worker's day (a run across local midnight sweeps two days: one reminder each).
    assert reminder.due_on in {day, timezone.localdate()}
    assert Reminder.objects.filter(due_on=reminder.due_on).count() == 1


# Seconds before Redis hands a task taken by a dead worker to another worker (an hour in production).
VISIBILITY_TIMEOUT = 3


def waiting_for_reminder_table_lock() -> bool:
    """Whether another session waits for a lock on the reminder table (the sweep, about to insert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [Reminder._meta.db_table],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sweep_killed_mid_way_is_redelivered_and_raises_each_reminder_once():
    organisation = factories.OrganisationFactory(code="WRKX")
    persons = [factories.PersonFactory(organisation=organisation, medical_urgent=True) for _ in range(3)]
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {"CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "CELERY_BROKER_URL": isolated_broker_url()}

    with running_worker(env=env, queue=queue, pool="prefork") as first:
        with transaction.atomic():
            # Writers wait for this lock: the sweep stops at its first insert, inside its transaction.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Reminder._meta.db_table} IN SHARE MODE")
            first.send(sweep_reminders)
            assert wait_for(waiting_for_reminder_table_lock, timeout=20), first.log()
            first.kill()
        # The lock is released. The killed worker's database session finishes its insert, then finds
        # its client gone and rolls the whole sweep back: nothing of it is committed.
        assert wait_for(lambda: not waiting_for_reminder_table_lock(), timeout=10)
        assert "succeeded" not in first.log()
        time.sleep(VISIBILITY_TIMEOUT + 0.5)
        assert not Reminder.objects.exists()
        with running_worker(env=env, queue=queue) as second:
            assert wait_for(lambda: "succeeded" in second.log(), timeout=20), second.log()
            rows = list(Reminder.objects.order_by("pk").values_list("pk", "kind", "subject_key", "due_on"))
            second.send(sweep_reminders)  # and once more: nothing new
            wait_for(lambda: second.log().count("succeeded") >= 2, timeout=20)
            log = second.log()

    assert log.count("succeeded") == 2, log
    assert [kind for _, kind, _, _ in rows] == [RuleKind.URGENT_MEDICAL] * 3
    assert {subject_key for _, _, subject_key, _ in rows} == {f"person:{person.pk}" for person in persons}
    # Nothing new for that day (a run across local midnight may add the next day's reminders).
    same_day = Reminder.objects.filter(due_on=rows[0][3]).order_by("pk")
    assert list(same_day.values_list("pk", "kind", "subject_key", "due_on")) == rows
    duplicates = Reminder.objects.values("kind", "subject_key", "due_on", "offset_days").annotate(n=Count("pk"))
    assert not duplicates.filter(n__gt=1).exists()

"""The periodic sweep task: idempotent in-process, and through a real worker against Redis."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from casework.reminders.choices import RuleKind
from casework.reminders.models import Reminder
from casework.reminders.tasks import sweep_reminders
from tests import factories
from tests.celery_worker import running_worker, wait_for
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
    }
    assert second == {"marked_no_response": 0, "followups_drafted": 0}
    assert list(Reminder.objects.order_by("pk").values_list("pk", "kind", "due_on")) == rows
    assert {due_on for _, _, due_on in rows} == {D}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweep_sent_through_redis():
    organisation = factories.OrganisationFactory(code="WRK")
    person = factories.PersonFactory(organisation=organisation, medical_urgent=True)

    with running_worker() as worker:
        worker.send(sweep_reminders)
        reminder = wait_for(lambda: Reminder.objects.filter(person=person).first(), timeout=30)
        assert reminder is not None, f"no reminder after 30 s; worker log:\n{worker.log()}"
        # A second delivery of the same task raises nothing new.
        worker.send(sweep_reminders)
        wait_for(lambda: worker.log().count("succeeded") >= 2, timeout=30)
        assert worker.log().count("succeeded") >= 2, worker.log()

    assert reminder.kind == RuleKind.URGENT_MEDICAL
    assert reminder.due_on == timezone.localdate()
    assert Reminder.objects.count() == 1

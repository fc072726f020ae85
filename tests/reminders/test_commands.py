"""`run_reminder_sweep`: a sweep for a given day, or a truthful dry run."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.govrequests.choices import RequestStatus
from casework.reminders.models import Reminder
from tests import factories
from tests.reminders.conftest import D

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("run_reminder_sweep", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_what_would_be_raised_and_writes_nothing(org_a):
    person = factories.PersonFactory(organisation=org_a, medical_urgent=True)
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(90))

    output = _run("--date", D.isoformat(), "--dry-run")

    assert "dry run, nothing written" in output
    assert "urgent_medical: 1" in output
    assert "mark_no_response: 1" in output
    assert "Total would raise: 2" in output
    assert "Requests would be marked no response: 1" in output
    assert f"urgent_medical {person.case_number} due 2025-06-02 offset 0" in output
    assert f"mark_no_response {request.reference} due 2025-06-02 offset 90" in output
    assert person.given_name_lat not in output
    assert not Reminder.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_sweep_for_a_date_writes_the_reminders(org_a):
    factories.PersonFactory(organisation=org_a, medical_urgent=True)
    output = _run("--date", D.isoformat())
    assert "Total raised: 1" in output
    assert Reminder.objects.get().due_on == D
    assert "Total raised: 0" in _run("--date", D.isoformat())


def test_bad_date_is_refused():
    with pytest.raises(CommandError):
        _run("--date", "02/06/2025")

"""Fixtures of the reminder tests: the default rules, a fixed day, and a sweep helper."""

from collections import Counter
from datetime import date

import pytest

from casework.reminders.models import Reminder
from casework.reminders.services import reminders_sweep

# A Monday, far from any real "today" of the machine running the tests.
D = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _default_rules(default_rules):
    """Every reminder test starts with the default rules (the fixture is in tests/conftest.py)."""


def sweep(day: date) -> Counter:
    """Run the sweep for `day` and return how many reminders of each kind exist afterwards."""
    reminders_sweep(today=day)
    return Counter(Reminder.objects.values_list("kind", flat=True))

"""Fixtures of the reminder tests: the default rules, a fixed day, and a sweep helper."""

import importlib
from collections import Counter
from datetime import date

import pytest

from casework.reminders.models import Reminder, ReminderRule
from casework.reminders.services import reminders_sweep

# The defaults as the data migration loads them (its module name starts with a digit).
DEFAULT_RULES = importlib.import_module("casework.reminders.migrations.0002_default_rules").DEFAULT_RULES

# A Monday, far from any real "today" of the machine running the tests.
D = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def default_rules(db):
    """The default rules; a transactional test flushes the rows the migration loaded, so re-create them."""
    for kind, (offsets, recipients, threshold) in DEFAULT_RULES.items():
        ReminderRule.objects.get_or_create(
            kind=kind,
            organisation=None,
            country="",
            defaults={"offsets": offsets, "recipients": recipients, "threshold": threshold},
        )


def sweep(day: date) -> Counter:
    """Run the sweep for `day` and return how many reminders of each kind exist afterwards."""
    reminders_sweep(today=day)
    return Counter(Reminder.objects.values_list("kind", flat=True))

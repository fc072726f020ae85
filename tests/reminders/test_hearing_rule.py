"""Reminders before each court hearing (rule kind `hearing`): 14, 7 and 1 day before, L3 like the hearing."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from casework.legal.choices import ProceedingOutcome
from casework.reminders.choices import RuleKind
from casework.reminders.models import Reminder, ReminderRule
from casework.reminders.services import reminders_sweep
from tests import factories
from tests.legal.factories import HearingFactory, LegalProceedingFactory
from tests.reminders.conftest import D, sweep

pytestmark = pytest.mark.django_db
ONE_DAY = timedelta(days=1)
HEARING_DEFAULT = importlib.import_module("casework.reminders.migrations.0009_default_hearing_rule")


@pytest.fixture(autouse=True)
def hearing_rule(db):
    """The default rule as its data migration loads it (a transactional test would have flushed it)."""
    HEARING_DEFAULT.load_default(apps, None)
    return ReminderRule.objects.get(kind=RuleKind.HEARING, organisation=None, country="")


def test_the_default_hearing_rule_warns_14_7_and_1_day_before(hearing_rule):
    assert sorted(hearing_rule.offsets) == [1, 7, 14]


def test_a_reminder_is_raised_before_each_hearing_and_never_twice(person_a, caseworker_a):
    hearing_day = D + timedelta(days=14)
    HearingFactory(proceeding__person=person_a, hearing_on=hearing_day)

    assert sweep(D - ONE_DAY)[RuleKind.HEARING] == 0
    assert sweep(D)[RuleKind.HEARING] == 1
    assert sweep(D)[RuleKind.HEARING] == 1  # the same day again: nothing new
    reminder = Reminder.objects.get(kind=RuleKind.HEARING)
    assert (reminder.person, reminder.deadline_on, reminder.offset_days) == (person_a, hearing_day, 14)
    assert reminder.recipient == caseworker_a
    assert sweep(hearing_day - timedelta(days=7))[RuleKind.HEARING] == 2
    assert sweep(hearing_day - ONE_DAY)[RuleKind.HEARING] == 3
    assert sweep(hearing_day + ONE_DAY)[RuleKind.HEARING] == 3  # a past hearing raises nothing


def test_two_hearings_of_one_person_raise_one_reminder_each(person_a):
    proceeding = LegalProceedingFactory(person=person_a)
    HearingFactory(proceeding=proceeding, hearing_on=D + timedelta(days=7))
    HearingFactory(proceeding=proceeding, hearing_on=D + timedelta(days=10))

    assert sweep(D)[RuleKind.HEARING] == 2
    assert sorted(Reminder.objects.values_list("deadline_on", flat=True)) == [
        D + timedelta(days=7),
        D + timedelta(days=10),
    ]


def test_no_reminder_for_a_hearing_held_or_of_a_concluded_proceeding_or_a_closed_case(org_a):
    HearingFactory(proceeding__person__organisation=org_a, hearing_on=D + timedelta(days=7), held=False)
    HearingFactory(
        proceeding__person__organisation=org_a,
        proceeding__outcome=ProceedingOutcome.DISMISSED,
        proceeding__outcome_on=D - timedelta(days=3),
        hearing_on=D + timedelta(days=7),
    )
    HearingFactory(
        proceeding__person=factories.PersonFactory(organisation=org_a, closed=True), hearing_on=D + timedelta(days=7)
    )

    assert sweep(D)[RuleKind.HEARING] == 0


def test_an_organisation_can_switch_hearing_reminders_off(org_a, person_a):
    ReminderRule.objects.create(
        kind=RuleKind.HEARING, organisation=org_a, offsets=[7], recipients=["assigned_caseworker"], is_active=False
    )
    HearingFactory(proceeding__person=person_a, hearing_on=D + timedelta(days=7))

    reminders_sweep(today=D)

    assert not Reminder.objects.filter(kind=RuleKind.HEARING).exists()


def test_hearing_reminders_are_hidden_from_users_without_the_sensitive_data_permission(
    person_a, caseworker_a, sensitive_supervisor_a
):
    HearingFactory(proceeding__person=person_a, hearing_on=D + timedelta(days=7))
    reminders_sweep(today=D)

    assert not Reminder.objects.visible_to(caseworker_a).filter(kind=RuleKind.HEARING).exists()
    assert Reminder.objects.visible_to(sensitive_supervisor_a).filter(kind=RuleKind.HEARING).exists()

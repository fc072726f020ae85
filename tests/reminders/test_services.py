"""The sweep (overrides, idempotency, set-based queries, dry run) and acting on reminders."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.core.dates import anniversary
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.core.models import AuditEvent
from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import RequestStatusChange
from casework.people.choices import DatePrecision
from casework.reminders import services
from casework.reminders.choices import ReminderStatus, RuleKind
from casework.reminders.models import Reminder, ReminderRule
from tests import factories
from tests.reminders.conftest import D, sweep

pytestmark = pytest.mark.django_db
K = RuleKind


def _request(org, *, days_ago: int, country: str = "FR"):
    authority = factories.GovernmentAuthorityFactory(country=country, name=f"Ministry {country}")
    return factories.GovernmentRequestFactory(
        organisation=org, authority=authority, submitted=True, submitted_on=D - timedelta(days=days_ago)
    )


def _raised_for(request) -> list[int]:
    return list(Reminder.objects.filter(gov_request=request).values_list("offset_days", flat=True))


# --- Overrides --------------------------------------------------------------------------------


def test_organisation_override_takes_precedence_over_the_default(org_a, org_b):
    ReminderRule.objects.create(
        kind=K.REQUEST_NOT_ACKNOWLEDGED, organisation=org_a, offsets=[7], recipients=["assigned_caseworker"]
    )
    a_7, a_14 = _request(org_a, days_ago=7), _request(org_a, days_ago=14)
    b_7, b_14 = _request(org_b, days_ago=7), _request(org_b, days_ago=14)

    sweep(D)

    assert _raised_for(a_7) == [7]
    assert _raised_for(a_14) == [7]  # org A's rule has no 14-day offset: its latest reached is 7
    assert _raised_for(b_7) == []
    assert _raised_for(b_14) == [14]
    assert Reminder.objects.get(gov_request=a_7).rule.organisation == org_a


def test_state_override_takes_precedence_over_the_default(org_a):
    ReminderRule.objects.create(
        kind=K.REQUEST_NOT_ACKNOWLEDGED, country="DE", offsets=[5], recipients=["assigned_caseworker"]
    )
    to_germany, to_france = _request(org_a, days_ago=5, country="DE"), _request(org_a, days_ago=5, country="FR")
    sweep(D)
    assert _raised_for(to_germany) == [5]
    assert _raised_for(to_france) == []


def test_organisation_override_beats_state_override_and_org_plus_state_beats_both(org_a, org_b):
    rule = {"kind": K.REQUEST_NOT_ACKNOWLEDGED, "recipients": ["assigned_caseworker"]}
    ReminderRule.objects.create(organisation=org_a, offsets=[7], **rule)
    ReminderRule.objects.create(country="FR", offsets=[5], **rule)
    ReminderRule.objects.create(organisation=org_a, country="DE", offsets=[3], **rule)
    a_fr_7, a_fr_5 = _request(org_a, days_ago=7), _request(org_a, days_ago=5)
    a_de_3, a_de_7 = _request(org_a, days_ago=3, country="DE"), _request(org_a, days_ago=7, country="DE")
    b_fr_5, b_de_3 = _request(org_b, days_ago=5), _request(org_b, days_ago=3, country="DE")

    sweep(D)

    assert _raised_for(a_fr_7) == [7]  # organisation (7) beats State (5)
    assert _raised_for(a_fr_5) == []
    assert _raised_for(a_de_3) == [3]  # organisation + State beats organisation
    assert _raised_for(a_de_7) == [3]
    assert _raised_for(b_fr_5) == [5]  # State override for another organisation
    assert _raised_for(b_de_3) == []  # default (14, 30)


def test_inactive_override_switches_the_reminder_off_for_its_organisation(org_a, org_b):
    ReminderRule.objects.create(
        kind=K.REQUEST_NOT_ACKNOWLEDGED,
        organisation=org_a,
        offsets=[14],
        recipients=["assigned_caseworker"],
        is_active=False,
    )
    a, b = _request(org_a, days_ago=14), _request(org_b, days_ago=14)
    sweep(D)
    assert _raised_for(a) == []
    assert _raised_for(b) == [14]


def test_override_recipients_decide_who_is_told(org_a, caseworker_a):
    ReminderRule.objects.create(
        kind=K.REQUEST_NOT_ACKNOWLEDGED, organisation=org_a, offsets=[14], recipients=["organisation_mailbox"]
    )
    request = _request(org_a, days_ago=14)
    factories.RequestedPersonFactory(request=request, person__assigned_to=caseworker_a)
    sweep(D)
    reminder = Reminder.objects.get()
    # Nothing reads an organisation mailbox: a reminder addressed only to it goes to the supervisors.
    assert (reminder.recipient, reminder.notify_supervisors) == (None, True)


def test_a_second_default_rule_for_the_same_kind_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderRule.objects.create(kind=K.CASE_INACTIVE, offsets=[10], recipients=["supervisors"])


def test_rule_validation_rejects_bad_offsets_and_recipients():
    rule = ReminderRule(kind=K.MINOR_TURNING_18, offsets=["14", -1], recipients=["everyone"])
    with pytest.raises(Exception) as excinfo:
        rule.full_clean()
    assert {"offsets", "recipients", "threshold"} <= set(excinfo.value.message_dict)


# --- Idempotency, set-based queries, dry run --------------------------------------------------


def _persons_due_on_d(org, count: int) -> None:
    """`count` persons that each raise one reminder of several person rules on D."""
    with time_machine.travel(timezone.make_aware(datetime(2025, 5, 3, 12, 0)), tick=False):
        for _ in range(count):
            factories.PersonFactory(
                organisation=org,
                medical_urgent=True,
                birth_date=anniversary(D + timedelta(days=90), -18),
                birth_date_precision=DatePrecision.EXACT,
            )


def _sweep_queries(day: date) -> tuple[int, int]:
    """(queries other than the reminder INSERTs, INSERT statements) of one sweep."""
    with CaptureQueriesContext(connection) as ctx:
        services.reminders_sweep(today=day)
    # "INSERT OR IGNORE INTO" on SQLite, "INSERT INTO … ON CONFLICT DO NOTHING" on PostgreSQL.
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT") and '"reminders_reminder"' in q["sql"]]
    return len(ctx.captured_queries) - len(inserts), len(inserts)


def test_sweep_is_set_based_its_query_count_does_not_grow_with_persons(org_a, org_b):
    _persons_due_on_d(org_a, 5)
    small_reads, small_inserts = _sweep_queries(D)
    assert Reminder.objects.count() == 15  # urgent medical, minor turning 18, case inactive

    _persons_due_on_d(org_b, 50)
    large_reads, large_inserts = _sweep_queries(D)
    assert Reminder.objects.count() == 15 + 150

    # Reads: effective rules, one query per rule setting, savepoints, the count of created rows.
    assert large_reads == small_reads
    # One INSERT per kind; SQLite splits an INSERT past 999 parameters (about 45 reminders) in batches.
    assert small_inserts == 3
    assert large_inserts <= 3 * 2


def test_second_sweep_on_the_same_day_raises_nothing_new(org_a):
    _persons_due_on_d(org_a, 3)
    _request(org_a, days_ago=14)
    first = services.reminders_sweep(today=D)
    rows = set(Reminder.objects.values_list("pk", "kind", "subject_key", "due_on", "offset_days"))

    second = services.reminders_sweep(today=D)

    assert first.created == {
        K.URGENT_MEDICAL: 3,
        K.MINOR_TURNING_18: 3,
        K.CASE_INACTIVE: 3,
        K.REQUEST_NOT_ACKNOWLEDGED: 1,
    }
    assert second.created == {}
    assert second.total == 0
    assert set(Reminder.objects.values_list("pk", "kind", "subject_key", "due_on", "offset_days")) == rows


def test_second_sweep_on_the_same_day_inserts_nothing_and_marks_nothing(org_a):
    _persons_due_on_d(org_a, 3)
    _request(org_a, days_ago=14)
    factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(days=90))
    first = services.reminders_sweep(today=D)
    assert first.marked_no_response == 1

    # The occurrences raised by the first sweep are skipped before any row is built: no INSERT
    # for the database to drop, and no request marked again.
    _reads, inserts = _sweep_queries(D)

    assert inserts == 0
    assert RequestStatusChange.objects.count() == 1
    assert Reminder.objects.count() == first.total


def test_the_database_refuses_the_same_occurrence_twice(org_a):
    person = factories.PersonFactory(organisation=org_a)
    fields = {
        "kind": K.URGENT_MEDICAL,
        "organisation": org_a,
        "person": person,
        "subject_key": f"person:{person.pk}",
        "due_on": D,
        "offset_days": 0,
    }
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields, notify_supervisors=True)


def test_dry_run_says_what_would_be_raised_and_writes_nothing(org_a):
    _persons_due_on_d(org_a, 2)
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(90))

    result = services.reminders_sweep(today=D, dry_run=True)

    assert result.created == {K.URGENT_MEDICAL: 2, K.MINOR_TURNING_18: 2, K.CASE_INACTIVE: 2, K.MARK_NO_RESPONSE: 1}
    assert result.marked_no_response == 1
    assert len(result.raised) == 7
    assert {row["gov_request__reference"] for row in result.raised} == {request.reference, None}
    assert not Reminder.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not request.status_changes.exists()

    assert services.reminders_sweep(today=D).created == result.created


def test_system_actor_is_an_inactive_superuser_without_password():
    actor = services.system_actor()
    assert actor == services.system_actor()
    assert actor.is_superuser and not actor.is_active and not actor.is_staff
    assert not actor.has_usable_password()
    assert actor.organisation is None


# --- Scope ------------------------------------------------------------------------------------


def _reminder(person, *, kind=K.CASE_INACTIVE, due_on=D, **extra) -> Reminder:
    return factories.ReminderFactory(
        kind=kind, person=person, due_on=due_on, offset_days=30, recipient=person.assigned_to, **extra
    )


def test_reminders_are_visible_within_the_organisation_only(person_a, person_b, caseworker_a, caseworker_b, superuser):
    mine, theirs = _reminder(person_a), _reminder(person_b)
    assert list(Reminder.objects.visible_to(caseworker_a)) == [mine]
    assert list(Reminder.objects.visible_to(caseworker_b)) == [theirs]
    assert set(Reminder.objects.visible_to(superuser)) == {mine, theirs}


def test_assigned_only_user_sees_reminders_of_their_cases_only(org_a, fieldworker_a, caseworker_a):
    own = _reminder(factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a))
    _reminder(factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a))
    request = factories.GovernmentRequestFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=request, person__assigned_to=fieldworker_a)
    about_request = Reminder.objects.create(
        kind=K.NO_DECISION,
        organisation=org_a,
        gov_request=request,
        subject_key=f"request:{request.pk}",
        due_on=D,
        offset_days=60,
    )
    assert set(Reminder.objects.visible_to(fieldworker_a)) == {own, about_request}


def test_urgent_medical_reminders_need_the_sensitive_data_permission(person_a, caseworker_a, sensitive_supervisor_a):
    urgent = _reminder(person_a, kind=K.URGENT_MEDICAL)
    assert not Reminder.objects.visible_to(caseworker_a).exists()
    assert list(Reminder.objects.visible_to(sensitive_supervisor_a)) == [urgent]


def test_due_and_open_select_what_needs_attention(person_a):
    due = _reminder(person_a, due_on=D)
    later = _reminder(person_a, due_on=D + timedelta(days=5))
    snoozed = _reminder(person_a, due_on=D - timedelta(days=3), status=ReminderStatus.SNOOZED, snoozed_until=D)
    still_snoozed = _reminder(
        person_a, due_on=D - timedelta(days=4), status=ReminderStatus.SNOOZED, snoozed_until=D + timedelta(days=1)
    )
    _reminder(person_a, due_on=D - timedelta(days=5), status=ReminderStatus.DISMISSED, reason="duplicate")
    acknowledged = _reminder(person_a, due_on=D - timedelta(days=6), status=ReminderStatus.ACKNOWLEDGED)

    assert set(Reminder.objects.due(on=D)) == {due, snoozed}
    assert set(Reminder.objects.open()) == {due, later, snoozed, still_snoozed, acknowledged}


# --- Acting on reminders ----------------------------------------------------------------------


def test_acknowledge_is_recorded_on_the_row_and_in_the_audit_log(person_a, caseworker_a):
    reminder = services.reminder_acknowledge(reminder=_reminder(person_a), actor=caseworker_a)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.ACKNOWLEDGED
    assert reminder.acted_by == caseworker_a
    assert reminder.acted_at is not None
    event = AuditEvent.objects.get(action="reminders.reminder.acknowledged")
    assert (event.actor, event.target_id, event.organisation_id) == (
        caseworker_a,
        str(reminder.public_id),
        person_a.organisation_id,
    )


def test_snooze_hides_the_reminder_until_the_date(person_a, caseworker_a):
    reminder = services.reminder_snooze(
        reminder=_reminder(person_a), until=D + timedelta(days=7), actor=caseworker_a, reason="waiting", today=D
    )
    assert (reminder.status, reminder.snoozed_until, reminder.reason) == (
        ReminderStatus.SNOOZED,
        D + timedelta(days=7),
        "waiting",
    )
    assert not Reminder.objects.due(on=D + timedelta(days=6)).exists()
    assert Reminder.objects.due(on=D + timedelta(days=7)).get() == reminder
    assert AuditEvent.objects.get(action="reminders.reminder.snoozed").data["until"] == "2025-06-09"


def test_snooze_needs_a_later_day(person_a, caseworker_a):
    with pytest.raises(DomainError):
        services.reminder_snooze(reminder=_reminder(person_a), until=D, actor=caseworker_a, today=D)


def test_dismiss_needs_a_reason_and_records_it(person_a, caseworker_a):
    reminder = _reminder(person_a)
    with pytest.raises(DomainError):
        services.reminder_dismiss(reminder=reminder, reason="  ", actor=caseworker_a)
    services.reminder_dismiss(reminder=reminder, reason="Case transferred", actor=caseworker_a)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.reason, reminder.acted_by) == (
        ReminderStatus.DISMISSED,
        "Case transferred",
        caseworker_a,
    )
    assert AuditEvent.objects.filter(action="reminders.reminder.dismissed").count() == 1


def test_dismissed_reminder_cannot_be_acknowledged(person_a, caseworker_a):
    reminder = services.reminder_dismiss(reminder=_reminder(person_a), reason="no longer relevant", actor=caseworker_a)
    with pytest.raises(TransitionNotAllowed):
        services.reminder_acknowledge(reminder=reminder, actor=caseworker_a)


def test_done_is_terminal(person_a, caseworker_a):
    reminder = services.reminder_complete(reminder=_reminder(person_a), actor=caseworker_a, note="called the embassy")
    assert reminder.status == ReminderStatus.DONE
    with pytest.raises(TransitionNotAllowed):
        services.reminder_snooze(reminder=reminder, until=D + timedelta(days=3), actor=caseworker_a, today=D)


@pytest.mark.parametrize("action", ["acknowledge", "snooze", "dismiss", "complete"])
def test_user_of_another_organisation_cannot_act_on_a_reminder(person_a, caseworker_b, action):
    reminder = _reminder(person_a)
    calls = {
        "acknowledge": lambda: services.reminder_acknowledge(reminder=reminder, actor=caseworker_b),
        "snooze": lambda: services.reminder_snooze(
            reminder=reminder, until=D + timedelta(days=3), actor=caseworker_b, today=D
        ),
        "dismiss": lambda: services.reminder_dismiss(reminder=reminder, reason="not mine", actor=caseworker_b),
        "complete": lambda: services.reminder_complete(reminder=reminder, actor=caseworker_b),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OPEN
    assert not AuditEvent.objects.filter(action__startswith="reminders.").exists()


def test_assigned_only_user_cannot_act_on_reminders_of_other_cases(org_a, fieldworker_a, caseworker_a):
    other = _reminder(factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a))
    with pytest.raises(PermissionDenied):
        services.reminder_acknowledge(reminder=other, actor=fieldworker_a)

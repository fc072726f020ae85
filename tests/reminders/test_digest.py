"""The daily digest: what it lists (and never lists), when it is built, and the fan-out task."""

import itertools
from datetime import datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casework.accounts.models import User
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage
from casework.reminders import services, tasks
from casework.reminders.choices import ReminderStatus, RuleKind
from casework.reminders.models import Reminder
from casework.reminders.services import digest
from tests import factories
from tests.dbfaults import database_error_at
from tests.reminders.conftest import D

pytestmark = pytest.mark.django_db
K = RuleKind
_offsets = itertools.count(1)  # distinct occurrences: the database refuses the same one twice


def make_reminder(
    *, kind=K.CASE_INACTIVE, person=None, gov_request=None, recipient=None, due_on=D, deadline_on=None, **extra
) -> Reminder:
    return factories.ReminderFactory(
        kind=kind,
        person=person,
        gov_request=gov_request,
        recipient=recipient,
        due_on=due_on,
        deadline_on=deadline_on,
        offset_days=(deadline_on - due_on).days if deadline_on else next(_offsets),
        **extra,
    )


def request_url(gov_request) -> str:
    """The request page once it exists (the web pages are being built), the home page until then."""
    try:
        path = reverse("govrequests:request_detail", args=[gov_request.public_id])
    except NoReverseMatch:
        path = reverse("home")
    return settings.SITE_URL.rstrip("/") + path


@pytest.fixture
def three_reminders(caseworker_a, person_a, org_a):
    """An overdue reminder about a person, one due today about a request, an upcoming court deadline."""
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, reference="REQ-FR-0042")
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    overdue = make_reminder(person=person_a, recipient=caseworker_a, due_on=D - timedelta(days=3))
    today = make_reminder(kind=K.REQUEST_NOT_ACKNOWLEDGED, gov_request=gov_request, recipient=caseworker_a)
    upcoming = make_reminder(
        kind=K.COURT_DEADLINE, gov_request=gov_request, recipient=caseworker_a, deadline_on=D + timedelta(days=14)
    )
    return overdue, today, upcoming, gov_request


def test_digest_lists_due_reminders_grouped_by_urgency_with_case_numbers_and_links(
    caseworker_a, person_a, three_reminders
):
    overdue, today, upcoming, gov_request = three_reminders

    message = services.digest_build_for_user(user=caseworker_a, today=D)

    assert message.subject == "Casework: 3 reminders due"
    assert (message.status, message.to_email, message.language) == (OutboundStatus.QUEUED, caseworker_a.email, "en")
    assert message.idempotency_key == f"digest:{caseworker_a.pk}:2025-06-02"
    assert message.context_ids == {"user": caseworker_a.pk, "reminders": sorted([overdue.pk, today.pk, upcoming.pk])}
    text = message.body_text
    assert text.index("Overdue") < text.index("Due today") < text.index("Upcoming deadlines")
    overdue_part = text[text.index("Overdue") : text.index("Due today")]
    today_part = text[text.index("Due today") : text.index("Upcoming deadlines")]
    upcoming_part = text[text.index("Upcoming deadlines") :]
    person_url = settings.SITE_URL.rstrip("/") + reverse("people:person_detail", args=[person_a.public_id])
    assert f"Case inactive: case {person_a.case_number}" in overdue_part
    assert person_url in overdue_part
    assert "[new]" not in overdue_part  # fell due before today
    assert "[new] Request not acknowledged: request REQ-FR-0042" in today_part
    assert "Court or appeal deadline: request REQ-FR-0042" in upcoming_part
    assert "deadline June 16, 2025" in upcoming_part
    assert request_url(gov_request) in today_part
    assert "3 reminders need your attention. 2 fell due since the last digest." in text
    assert person_url in message.body_html
    assert f"case {person_a.case_number}</a>" in message.body_html


def test_digest_never_contains_names_or_sensitive_fields(org_a):
    user = factories.UserFactory(organisation=org_a, sensitive=True, username="l3_reader")
    person = factories.PersonFactory(
        organisation=org_a,
        assigned_to=user,
        given_name_lat="Zainab",
        family_name_lat="Qureshi",
        given_name_ar="زينب",
        medical_urgent=True,
        health_notes="Synthetic diabetes note",
    )
    make_reminder(person=person, recipient=user)
    make_reminder(kind=K.URGENT_MEDICAL, person=person, recipient=user)

    message = services.digest_build_for_user(user=user, today=D)

    assert message.subject == "Casework: 2 reminders due"
    for body in (message.subject, message.body_text, message.body_html):
        for secret in ("Zainab", "Qureshi", "زينب", "Ahmed", "diabetes", "Urgent medical", "medical"):
            assert secret not in body
    assert person.case_number in message.body_text
    assert "1 confidential reminder is shown only in Casework." in message.body_text


def test_no_digest_when_nothing_is_due_for_the_user(caseworker_a, person_a, person_b, supervisor_a):
    make_reminder(person=person_a, recipient=caseworker_a, due_on=D + timedelta(days=1))  # not yet due
    make_reminder(person=person_a, recipient=caseworker_a, status=ReminderStatus.DONE)
    make_reminder(person=person_a, recipient=supervisor_a)  # someone else's
    make_reminder(person=person_b, recipient=caseworker_a)  # another organisation's: not visible to them

    assert services.digest_build_for_user(user=caseworker_a, today=D) is None
    assert not OutboundMessage.objects.exists()


def test_acknowledged_and_snoozed_reminders_are_left_out_until_the_snooze_ends(caseworker_a, person_a):
    make_reminder(person=person_a, recipient=caseworker_a, status=ReminderStatus.ACKNOWLEDGED)
    make_reminder(
        kind=K.UASC_REVIEW,
        person=person_a,
        recipient=caseworker_a,
        status=ReminderStatus.SNOOZED,
        snoozed_until=D + timedelta(days=1),
    )
    assert services.digest_build_for_user(user=caseworker_a, today=D) is None

    message = services.digest_build_for_user(user=caseworker_a, today=D + timedelta(days=1))

    assert message.subject == "Casework: 1 reminder due"
    assert "Unaccompanied or separated child: review due" in message.body_text


def test_supervisor_digest_includes_reminders_addressed_to_the_supervisors(supervisor_a, org_a):
    unassigned = factories.PersonFactory(organisation=org_a)
    make_reminder(person=unassigned, notify_supervisors=True)

    message = services.digest_build_for_user(user=supervisor_a, today=D)

    assert unassigned.case_number in message.body_text


def _left_the_old_caseworker(client_for, old: User, new: User, today, *, still: tuple, gone: tuple) -> None:
    """After a reassignment from the assigned-only caseworker `old` to `new`: the reminder of `gone` (a reminder and
    the text naming its subject) has left `old`'s digest and home page, the one of `still` stays there, and `new`
    (not assigned-only) still sees `gone`."""
    (still_reminder, kept), (gone_reminder, left) = still, gone

    message = services.digest_build_for_user(user=old, today=today)
    home = client_for(old).get(reverse("home")).content.decode()

    assert kept in message.body_text
    assert left not in message.body_text
    assert left not in message.body_html
    assert str(still_reminder.public_id) in home
    assert str(gone_reminder.public_id) not in home
    assert left not in home
    assert list(Reminder.objects.visible_to(old)) == [still_reminder]
    assert gone_reminder in Reminder.objects.visible_to(new)


def test_reassigned_case_leaves_the_old_assigned_only_caseworkers_digest_and_home_page(
    client_for, fieldworker_a, caseworker_a, org_a
):
    today = timezone.localdate()
    reassigned = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, case_number="ORGA-300003")
    kept = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, case_number="ORGA-300004")
    gone = make_reminder(person=reassigned, recipient=fieldworker_a, due_on=today)
    still = make_reminder(person=kept, recipient=fieldworker_a, due_on=today)
    reassigned.assigned_to = caseworker_a
    reassigned.save()

    _left_the_old_caseworker(
        client_for, fieldworker_a, caseworker_a, today, still=(still, "ORGA-300004"), gone=(gone, "ORGA-300003")
    )


def test_reassigned_request_leaves_the_old_assigned_only_caseworkers_digest_and_home_page(
    client_for, fieldworker_a, caseworker_a, org_a
):
    today = timezone.localdate()
    reassigned = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    kept = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    gone_request = factories.GovernmentRequestFactory(organisation=org_a, reference="REQ-GONE-1", submitted=True)
    kept_request = factories.GovernmentRequestFactory(organisation=org_a, reference="REQ-KEPT-1", submitted=True)
    factories.RequestedPersonFactory(request=gone_request, person=reassigned)
    factories.RequestedPersonFactory(request=kept_request, person=kept)
    gone = make_reminder(
        kind=K.REQUEST_NOT_ACKNOWLEDGED, gov_request=gone_request, recipient=fieldworker_a, due_on=today
    )
    still = make_reminder(
        kind=K.REQUEST_NOT_ACKNOWLEDGED, gov_request=kept_request, recipient=fieldworker_a, due_on=today
    )
    reassigned.assigned_to = caseworker_a
    reassigned.save()

    _left_the_old_caseworker(
        client_for, fieldworker_a, caseworker_a, today, still=(still, "REQ-KEPT-1"), gone=(gone, "REQ-GONE-1")
    )


@pytest.mark.parametrize(
    ("frequency", "day", "built"),
    [
        (User.DigestFrequency.OFF, D, False),
        (User.DigestFrequency.DAILY, D, True),
        (User.DigestFrequency.DAILY, D + timedelta(days=1), True),
        (User.DigestFrequency.WEEKLY, D, True),  # a Monday
        (User.DigestFrequency.WEEKLY, D + timedelta(days=1), False),
    ],
)
def test_digest_follows_the_users_frequency(caseworker_a, person_a, frequency, day, built):
    caseworker_a.digest_frequency = frequency
    caseworker_a.save(update_fields=["digest_frequency"])
    make_reminder(person=person_a, recipient=caseworker_a)

    assert (services.digest_build_for_user(user=caseworker_a, today=day) is not None) is built


def test_weekly_digest_marks_the_reminders_of_the_past_week_new(caseworker_a, person_a):
    caseworker_a.digest_frequency = User.DigestFrequency.WEEKLY
    caseworker_a.save(update_fields=["digest_frequency"])
    make_reminder(person=person_a, recipient=caseworker_a, due_on=D - timedelta(days=6))
    make_reminder(kind=K.UASC_REVIEW, person=person_a, recipient=caseworker_a, due_on=D - timedelta(days=7))

    message = services.digest_build_for_user(user=caseworker_a, today=D)

    assert "Your weekly Casework reminders" in message.body_text
    assert "[new] Case inactive" in message.body_text
    assert "- Unaccompanied or separated child: review due" in message.body_text


def test_no_digest_for_users_without_an_address_or_inactive(caseworker_a, person_a):
    make_reminder(person=person_a, recipient=caseworker_a)
    caseworker_a.email = ""
    assert services.digest_build_for_user(user=caseworker_a, today=D) is None
    caseworker_a.email, caseworker_a.is_active = "a@example.org", False
    assert services.digest_build_for_user(user=caseworker_a, today=D) is None


def test_digest_is_rendered_in_the_recipients_language(org_a):
    french = factories.UserFactory(organisation=org_a, username="fr_user", language="fr")
    arabic = factories.UserFactory(organisation=org_a, username="ar_user", language="ar")
    for user in (french, arabic):
        make_reminder(person=factories.PersonFactory(organisation=org_a, assigned_to=user), recipient=user)

    in_french = services.digest_build_for_user(user=french, today=D)
    in_arabic = services.digest_build_for_user(user=arabic, today=D)

    assert "2 juin 2025" in in_french.body_text
    assert in_french.language == "fr"
    assert '<html lang="fr" dir="ltr">' in in_french.body_html
    assert '<html lang="ar" dir="rtl">' in in_arabic.body_html
    assert in_arabic.language == "ar"


def test_digest_built_twice_is_one_message_and_one_email(
    caseworker_a, three_reminders, django_capture_on_commit_callbacks, send_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.digest_build_for_user(user=caseworker_a, today=D)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = services.digest_build_for_user(user=caseworker_a, today=D)

    assert first == second
    assert callbacks == []
    assert send_in_process.call_count == 1
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert (email.subject, email.to) == ("Casework: 3 reminders due", [caseworker_a.email])
    assert email.alternatives[0][1] == "text/html"
    first.refresh_from_db()
    assert (first.status, first.attempts) == (OutboundStatus.SENT, 1)


def test_build_digest_task_run_twice_sends_one_email(
    caseworker_a, three_reminders, django_capture_on_commit_callbacks, send_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.build_digest(caseworker_a.pk, D.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.build_digest(caseworker_a.pk, D.isoformat())

    assert first == second == OutboundMessage.objects.get().pk
    assert len(mail.outbox) == 1


def test_build_digest_task_returns_none_when_nothing_is_due(caseworker_a):
    assert tasks.build_digest(caseworker_a.pk, D.isoformat()) is None
    assert tasks.build_digest(0, D.isoformat()) is None


def test_email_daily_digests_fans_out_one_task_per_user_with_ids_and_iso_date(org_a, caseworker_a, superuser):
    weekly = factories.UserFactory(organisation=org_a, username="weekly", digest_frequency="weekly")
    factories.UserFactory(organisation=org_a, username="off", digest_frequency="off")
    factories.UserFactory(organisation=org_a, username="gone", is_active=False)
    factories.UserFactory(organisation=org_a, username="no_address", email="")

    with mock.patch.object(tasks.build_digest, "delay") as delay:
        with time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 6, 0)), tick=False):
            monday = tasks.email_daily_digests()
        with time_machine.travel(timezone.make_aware(datetime(2025, 6, 3, 6, 0)), tick=False):
            tuesday = tasks.email_daily_digests()

    assert (monday, tuesday) == (2, 1)
    assert delay.call_args_list == [
        mock.call(caseworker_a.pk, "2025-06-02"),
        mock.call(weekly.pk, "2025-06-02"),
        mock.call(caseworker_a.pk, "2025-06-03"),
    ]


def test_email_daily_digests_run_twice_sends_each_user_one_email(
    caseworker_a, three_reminders, django_capture_on_commit_callbacks, send_in_process
):
    with (
        mock.patch.object(tasks.build_digest, "delay", side_effect=tasks.build_digest) as fan_out,
        time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 6, 0)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.email_daily_digests()
        tasks.email_daily_digests()

    assert fan_out.call_count == 2
    assert len(mail.outbox) == 1


def test_digests_are_scheduled_daily_after_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["email-daily-digests"]
    assert entry["task"] == "casework.reminders.tasks.email_daily_digests"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {0})


def test_digest_queries_do_not_grow_with_the_number_of_reminders(org_a, caseworker_a, supervisor_a):
    def queries_for(user, count: int) -> int:
        for _ in range(count):
            person = factories.PersonFactory(organisation=org_a, assigned_to=user)
            gov_request = factories.GovernmentRequestFactory(organisation=org_a)
            make_reminder(person=person, recipient=user)
            make_reminder(kind=K.REQUEST_NOT_ACKNOWLEDGED, gov_request=gov_request, recipient=user)
        with CaptureQueriesContext(connection) as captured:
            assert services.digest_build_for_user(user=user, today=D) is not None
        return len(captured)

    # Existing message? user's supervisor group? the reminders with persons and requests, insert, savepoints.
    assert queries_for(caseworker_a, 2) == queries_for(supervisor_a, 12)


def test_each_urgency_group_of_the_digest_lists_the_most_urgent_and_counts_the_rest(org_a, supervisor_a, monkeypatch):
    monkeypatch.setattr(digest, "DIGEST_GROUP_LIMIT", 3)
    overdue = [
        make_reminder(
            person=factories.PersonFactory(organisation=org_a, case_number=f"ORGA-4000{n:02d}"),
            recipient=supervisor_a,
            due_on=D - timedelta(days=10 - n),
        )
        for n in range(5)
    ]
    for n in range(2):
        make_reminder(
            person=factories.PersonFactory(organisation=org_a, case_number=f"ORGA-5000{n:02d}"),
            recipient=supervisor_a,
            due_on=D,
        )

    message = services.digest_build_for_user(user=supervisor_a, today=D)

    home_url = settings.SITE_URL.rstrip("/") + reverse("home")
    assert "7 reminders need your attention." in message.body_text
    # The three longest overdue are listed, the two others counted; "due today" is under the cap.
    for listed in ("ORGA-400000", "ORGA-400001", "ORGA-400002", "ORGA-500000", "ORGA-500001"):
        assert listed in message.body_text
        assert listed in message.body_html
    for counted in ("ORGA-400003", "ORGA-400004"):
        assert counted not in message.body_text
        assert counted not in message.body_html
    assert f"and 2 more — open Casework: {home_url}" in message.body_text
    assert f'and 2 more — <a href="{home_url}">open Casework</a>' in message.body_html
    assert message.body_text.count("more — open Casework") == 1
    assert message.body_html.count("more — <a") == 1
    assert str(overdue[4].public_id) not in message.body_html


def test_a_digest_with_more_reminders_than_the_cap_keeps_its_query_count(org_a, supervisor_a):
    def queries_for(count: int) -> tuple[int, OutboundMessage]:
        for _ in range(count):
            person = factories.PersonFactory(organisation=org_a)
            make_reminder(person=person, recipient=supervisor_a, due_on=D - timedelta(days=1))
        OutboundMessage.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            message = services.digest_build_for_user(user=supervisor_a, today=D)
        assert message is not None
        return len(captured), message

    queries_for(1)  # first build of the test: loads what later builds find cached
    few, _ = queries_for(1)
    many, message = queries_for(services.DIGEST_GROUP_LIMIT + 10)

    assert few == many
    assert message.body_text.count("\n- ") == services.DIGEST_GROUP_LIMIT
    assert "and 12 more — open Casework" in message.body_text


def test_build_digest_retried_after_a_database_error_before_commit_sends_one_email(
    caseworker_a, three_reminders, django_capture_on_commit_callbacks, send_in_process
):
    assert tasks.build_digest.autoretry_for == (OperationalError, InterfaceError)
    # The message's insert fails (its transaction rolls back); the retry creates it: one message, one e-mail.
    with (
        database_error_at('INSERT INTO "outbox_outboundmessage"') as failed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.build_digest.apply(args=[caseworker_a.pk, D.isoformat()])

    assert len(failed) == 1
    assert result.successful(), result.traceback
    assert result.get() == OutboundMessage.objects.get(idempotency_key=f"digest:{caseworker_a.pk}:{D}").pk
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert send_in_process.call_count == 1
    # Retried once more (a redelivery): still the one message.
    assert tasks.build_digest.apply(args=[caseworker_a.pk, D.isoformat()]).get() == result.get()
    assert OutboundMessage.objects.count() == 1


def test_daily_digests_fan_out_is_retried_on_database_errors():
    assert tasks.email_daily_digests.autoretry_for == (OperationalError, InterfaceError)
    assert tasks.email_daily_digests.max_retries == 10

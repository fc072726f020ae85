"""Outbound messages: scoping, record-then-send delivery (at most once), retries, and the admin re-send."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from casework.accounts import roles
from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.outbox import selectors, services, tasks
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage, stuck_after
from tests import factories

pytestmark = pytest.mark.django_db


class FlakyBackend(LocmemBackend):
    """The test outbox, except that it raises the errors queued in `errors` first, one per message."""

    errors: list[BaseException] = []

    def send_messages(self, messages):
        if FlakyBackend.errors:
            raise FlakyBackend.errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_outbound.FlakyBackend"
    FlakyBackend.errors = []
    yield FlakyBackend.errors
    FlakyBackend.errors = []


def make_message(user, *, key: str = "test:1", **fields) -> OutboundMessage:
    fields = {"recipient": user, "organisation": user.organisation, "to_email": user.email, **fields}
    return factories.OutboundMessageFactory(idempotency_key=key, **fields)


def test_messages_are_visible_to_their_organisation_and_to_superusers(caseworker_a, caseworker_b, superuser):
    mine, theirs = make_message(caseworker_a, key="a"), make_message(caseworker_b, key="b")

    assert list(OutboundMessage.objects.visible_to(caseworker_a)) == [mine]
    assert list(OutboundMessage.objects.visible_to(caseworker_b)) == [theirs]
    assert set(OutboundMessage.objects.visible_to(superuser)) == {mine, theirs}


def test_creating_the_same_message_twice_records_and_enqueues_it_once(caseworker_a, django_capture_on_commit_callbacks):
    arguments = {
        "idempotency_key": "digest:1:2025-06-02",
        "organisation_id": caseworker_a.organisation_id,
        "recipient": caseworker_a,
        "template": "digest",
        "context": {"total": 1, "today": timezone.localdate(), "home_url": "http://x/"},
        "context_ids": {"reminders": [1]},
    }
    with mock.patch.object(tasks.send_outbound_message, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            first, created = services.outbound_message_create(**arguments)
        with django_capture_on_commit_callbacks(execute=True):
            second, created_again = services.outbound_message_create(**arguments)

    assert (first, created, created_again) == (second, True, False)
    assert first.subject == "Casework: 1 reminder due"
    delay.assert_called_once_with(first.pk)


def test_delivery_task_run_twice_sends_one_email(caseworker_a):
    message = make_message(caseworker_a)

    assert tasks.send_outbound_message(message.pk) == OutboundStatus.SENT
    assert tasks.send_outbound_message(message.pk) == "skipped"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<casework.outbound.{message.pk}@localhost>"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboundStatus.SENT, 1, "")
    assert message.sent_at is not None


def test_smtp_error_puts_the_message_back_to_queued_and_is_raised_for_the_retry(caseworker_a, flaky):
    message = make_message(caseworker_a)
    flaky.append(smtplib.SMTPDataError(451, b"4.3.0 try again later, <caseworker_a@example.org>"))

    with pytest.raises(services.MailNotSent, match=r"^SMTPDataError 451$"):
        tasks.send_outbound_message(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboundStatus.QUEUED, 1, "SMTPDataError 451")
    assert "example.org" not in message.last_error
    assert tasks.send_outbound_message(message.pk) == OutboundStatus.SENT
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 2)


def test_refused_connection_is_retried_too(caseworker_a, flaky):
    message = make_message(caseworker_a)
    flaky.append(ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(services.MailNotSent, match="ConnectionRefusedError") as raised:
        tasks.send_outbound_message(message.pk)

    assert isinstance(raised.value, smtplib.SMTPException)  # so autoretry_for=(SMTPException,) retries it

    message.refresh_from_db()
    assert (message.status, message.last_error) == (OutboundStatus.QUEUED, "ConnectionRefusedError")


def test_last_retry_marks_the_message_failed(caseworker_a, flaky):
    message = make_message(caseworker_a)
    flaky.append(smtplib.SMTPServerDisconnected("gone"))

    # The sixth run (retries == max_retries == 5) is the last one.
    result = tasks.send_outbound_message.apply(args=[message.pk], retries=5)

    assert isinstance(result.result, services.MailNotSent)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.FAILED, 1)
    assert tasks.send_outbound_message(message.pk) == "skipped"
    assert mail.outbox == []


def test_permanent_refusal_fails_at_once_without_retry(caseworker_a, flaky):
    message = make_message(caseworker_a)
    flaky.append(smtplib.SMTPRecipientsRefused({caseworker_a.email: (550, b"5.1.1 no such user")}))

    assert tasks.send_outbound_message(message.pk) == OutboundStatus.FAILED

    message.refresh_from_db()
    assert (message.status, message.last_error) == (OutboundStatus.FAILED, "SMTPRecipientsRefused 550")


def test_delivery_task_has_a_bounded_retry_policy_with_backoff(settings):
    task = tasks.send_outbound_message
    assert task.autoretry_for == (smtplib.SMTPException,)
    assert (task.max_retries, task.retry_backoff, task.acks_late) == (5, True, True)
    assert task.retry_backoff_max == settings.CASEWORK_EMAIL_RETRY_BACKOFF_MAX  # 600 s unless set in the environment


def test_message_left_sending_is_not_sent_again_by_the_task(caseworker_a):
    message = make_message(caseworker_a)
    assert services.outbound_message_claim(message_id=message.pk)  # the worker dies here

    assert tasks.send_outbound_message(message.pk) == "skipped"

    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENDING


def test_resend_refuses_a_message_still_within_the_sending_time_limit_or_sent(caseworker_a, orgadmin_a):
    sending = make_message(caseworker_a, key="sending")
    services.outbound_message_claim(message_id=sending.pk)
    sent = make_message(caseworker_a, key="sent", status=OutboundStatus.SENT, sent_at=timezone.now())

    for message in (sending, sent):
        with pytest.raises(DomainError):
            services.outbound_message_resend(message=message, actor=orgadmin_a)


def test_resend_of_another_organisations_message_is_refused(caseworker_b, orgadmin_a):
    message = make_message(caseworker_b, status=OutboundStatus.FAILED)
    with pytest.raises(services.PermissionDenied):
        services.outbound_message_resend(message=message, actor=orgadmin_a)


def test_resend_of_a_stuck_message_queues_it_once_and_is_audited(
    caseworker_a, orgadmin_a, django_capture_on_commit_callbacks, send_in_process
):
    message = make_message(caseworker_a)
    services.outbound_message_claim(message_id=message.pk)
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - stuck_after() - timedelta(1))

    with django_capture_on_commit_callbacks(execute=True):
        services.outbound_message_resend(message=message, actor=orgadmin_a)

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    event = AuditEvent.objects.get(action="outbox.outbound_message.resent")
    assert (event.actor, event.organisation_id, event.data) == (
        orgadmin_a,
        message.organisation_id,
        {"from": "sending"},
    )


# --- Admin ------------------------------------------------------------------------------------


def _grant(user, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="reminders", codename__in=codenames))


def test_admin_lists_only_the_organisations_messages_read_only(client_for, orgadmin_a, caseworker_a, caseworker_b):
    _grant(orgadmin_a, "view_outboundmessage", "change_outboundmessage")
    mine, theirs = make_message(caseworker_a, key="a"), make_message(caseworker_b, key="b")
    client = client_for(orgadmin_a)

    response = client.get(reverse("admin:outbox_outboundmessage_changelist"))

    assert list(response.context["cl"].result_list) == [mine]
    detail = client.get(reverse("admin:outbox_outboundmessage_change", args=[mine.pk]))
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert client.get(reverse("admin:outbox_outboundmessage_change", args=[theirs.pk])).status_code == 302
    filtered = client.get(reverse("admin:outbox_outboundmessage_changelist"), {"status__exact": "failed"})
    assert list(filtered.context["cl"].result_list) == []


def test_assigned_only_supervisor_sees_only_messages_addressed_to_them_in_the_admin(
    client_for, org_a, caseworker_a, person_a
):
    limited = factories.UserFactory(
        organisation=org_a, username="limited_supervisor", role=roles.SUPERVISOR, sees_assigned_only=True
    )
    own = make_message(limited, key="own")
    colleagues = make_message(caseworker_a, key="colleague")
    letter = make_message(
        caseworker_a,
        key="followup:1",
        recipient=None,
        to_email="consulate@example.org",
        template="followup",
        body_text=f"{person_a.case_number} {person_a.given_name_lat}, born 2001",
    )
    client = client_for(limited)

    response = client.get(reverse("admin:outbox_outboundmessage_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]
    assert client.get(reverse("admin:outbox_outboundmessage_change", args=[own.pk])).status_code == 200
    for hidden in (colleagues, letter):
        change = client.get(reverse("admin:outbox_outboundmessage_change", args=[hidden.pk]))
        assert change.status_code == 302, hidden.idempotency_key
        assert person_a.case_number not in client.get(change["Location"]).content.decode()
    assert list(OutboundMessage.objects.visible_to(limited)) == [own]


def test_admin_resend_asks_for_confirmation_then_sends_failed_message_once(
    client_for, orgadmin_a, caseworker_a, django_capture_on_commit_callbacks, send_in_process
):
    _grant(orgadmin_a, "view_outboundmessage", "change_outboundmessage")
    failed = make_message(caseworker_a, key="failed", status=OutboundStatus.FAILED, attempts=6)
    sent = make_message(caseworker_a, key="sent", status=OutboundStatus.SENT, sent_at=timezone.now())
    client = client_for(orgadmin_a)
    url = reverse("admin:outbox_outboundmessage_changelist")
    selection = {"action": "resend_selected", "_selected_action": [failed.pk, sent.pk]}

    confirm_page = client.post(url, selection)

    assert confirm_page.status_code == 200
    assert confirm_page.templates[0].name == "admin/outbox/outboundmessage/resend_confirmation.html"
    assert "1 selected message is neither failed nor stuck" in confirm_page.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboundStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**selection, "confirm": "yes"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboundStatus.SENT, 7)
    assert send_in_process.call_count == 1


def test_admin_resend_needs_the_change_permission(client_for, auditor_a, caseworker_a):
    # Auditors may look at outbound messages (role permission) but not re-send them.
    assert auditor_a.has_perm("outbox.view_outboundmessage")
    failed = make_message(caseworker_a, status=OutboundStatus.FAILED)

    client_for(auditor_a).post(
        reverse("admin:outbox_outboundmessage_changelist"),
        {"action": "resend_selected", "_selected_action": [failed.pk], "confirm": "yes"},
    )

    failed.refresh_from_db()
    assert failed.status == OutboundStatus.FAILED


def test_queued_messages_whose_task_was_lost_are_enqueued_again_and_sent_once(caseworker_a, send_in_process):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = make_message(caseworker_a, key="lost")
    fresh = make_message(caseworker_a, key="fresh")  # its task (or retry) may still be on its way
    failed = make_message(caseworker_a, key="failed", status=OutboundStatus.FAILED)
    OutboundMessage.objects.filter(pk__in=[lost.pk, failed.pk]).update(updated_at=long_ago)

    assert tasks.requeue_stale_outbound_messages() == 1
    assert tasks.requeue_stale_outbound_messages() == 0

    send_in_process.assert_called_once_with(lost.pk)
    assert [m.to for m in mail.outbox] == [[caseworker_a.email]]
    assert OutboundMessage.objects.get(pk=fresh.pk).status == OutboundStatus.QUEUED


def test_a_failed_attempt_counts_as_activity_for_the_stale_queue(caseworker_a, flaky):
    message = make_message(caseworker_a)
    OutboundMessage.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    flaky.append(smtplib.SMTPDataError(451, b"try again"))

    with pytest.raises(services.MailNotSent):
        tasks.send_outbound_message(message.pk)

    assert selectors.outbound_stale_queued_ids() == []  # the retry is scheduled: not lost


def test_stale_queue_is_checked_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-outbound-messages"]
    assert (
        entry["task"]
        == tasks.requeue_stale_outbound_messages.name
        == "casework.outbox.tasks.requeue_stale_outbound_messages"
    )


def test_make_run_file_backend_writes_the_message_under_the_mail_directory(caseworker_a, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    message = make_message(caseworker_a)

    assert tasks.send_outbound_message(message.pk) == OutboundStatus.SENT

    [written] = tmp_path.iterdir()
    assert "Subject: Casework: 1 reminder due" in written.read_text()


def test_the_moved_tasks_keep_their_registered_names_so_messages_queued_before_the_move_still_run():
    from casework.celery import app
    from casework.reports import tasks as report_tasks

    app.loader.import_default_modules()

    # A worker finds the moved code under the old names (shared tasks are proxies: compare what they run).
    assert app.tasks["casework.reminders.tasks.send_outbound_message"].run.__module__ == tasks.__name__
    assert app.tasks["casework.reminders.tasks.build_weekly_report"].run.__module__ == report_tasks.__name__

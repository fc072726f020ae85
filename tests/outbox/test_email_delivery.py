"""E-mail delivery against real components: a local SMTP server (aiosmtpd) and a real Celery worker on Redis.

- the digest arrives on a real SMTP server with the right content;
- a server that refuses (451) then accepts: the worker retries with backoff and ONE e-mail arrives;
- the delivery task run twice, or after a worker died mid-way, never sends a second e-mail;
- a worker SIGKILLed mid-DATA, or holding the task before it ran: Redis hands the task to the next
  worker, which skips the claimed message (an admin re-sends it) or sends the unclaimed one once;
  only the pool's child killed: the worker runs the task again at once, and it sends nothing;
- a message stuck in "sending" is re-sent only by the admin action, exactly once.

The worker tests need PostgreSQL and Redis (tests/celery_worker.py skips them on SQLite).
"""

import asyncio
import contextlib
import email
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from casework.outbox import services, tasks
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage, stuck_after
from casework.reminders import services as reminder_services
from casework.reminders import tasks as reminder_tasks
from casework.reminders.choices import RuleKind
from casework.reminders.models import Reminder
from tests import factories
from tests.celery_worker import isolated_broker_url, running_worker, wait_for
from tests.reminders.conftest import D


class RecordingHandler:
    """Accepts mail after refusing the first `refuse` DATA commands with "451 try again"; keeps what it accepted."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.attempts = 0
        self.received: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.refuse:
                # Like many servers, it names the recipient: that must not reach the logs or the database.
                return f"451 4.3.0 Try again later for <{envelope.rcpt_tos[0]}>"
            self.received.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BlockingHandler(RecordingHandler):
    """Holds the first DATA command until `release` is set; later ones are answered as `RecordingHandler` does.

    aiosmtpd calls `handle_DATA` once the whole message (up to the final ".") has arrived: a real
    server that has it queues it for delivery at once, even if the client dies before reading the
    reply. With `keep=False` it drops it instead, as a server that lost it would.
    """

    def __init__(self, *, keep: bool = True) -> None:
        super().__init__()
        self.keep = keep
        self.entered = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.entered.is_set():
            return await super().handle_DATA(server, session, envelope)
        with self.lock:
            self.attempts += 1
            if self.keep:
                self.received.append(email.message_from_bytes(envelope.original_content or envelope.content))
        self.entered.set()
        # Wait in a thread: the server's event loop keeps running (aiosmtpd cancels this when the client goes).
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 Message accepted for delivery" if self.keep else "451 4.3.0 Lost"


@contextlib.contextmanager
def smtp_server(refuse: int = 0, handler: RecordingHandler | None = None) -> Iterator[tuple[RecordingHandler, int]]:
    handler = handler or RecordingHandler(refuse=refuse)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def smtp(settings) -> Iterator[RecordingHandler]:
    """A real SMTP server on a free local port, and Django's SMTP backend pointed at it."""
    with smtp_server() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield handler


def parts(message: Message) -> dict[str, str]:
    """The decoded text and HTML parts of a received e-mail (SMTP's CRLF line ends made plain)."""
    return {
        part.get_content_type(): part.get_payload(decode=True)
        .decode(part.get_content_charset() or "utf-8")
        .replace("\r\n", "\n")
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    }


def due_reminder(user, *, due_on=D) -> Reminder:
    person = factories.PersonFactory(organisation=user.organisation, assigned_to=user, given_name_lat="Fatima")
    return factories.ReminderFactory(
        kind=RuleKind.CASE_INACTIVE, person=person, recipient=user, due_on=due_on, offset_days=30
    )


def make_message(user, key: str = "test:1") -> OutboundMessage:
    return factories.OutboundMessageFactory(recipient=user, idempotency_key=key)


# --- In process, real SMTP server -------------------------------------------------------------


@pytest.mark.django_db
def test_digest_arrives_on_a_real_smtp_server_with_the_right_content(
    smtp, caseworker_a, django_capture_on_commit_callbacks, send_in_process
):
    reminder = due_reminder(caseworker_a)

    with django_capture_on_commit_callbacks(execute=True):
        message = reminder_services.digest_build_for_user(user=caseworker_a, today=D)

    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received["Subject"] == "Casework: 1 reminder due"
    assert received["To"] == caseworker_a.email
    assert received["Message-ID"] == f"<casework.outbound.{message.pk}@localhost>"
    bodies = parts(received)
    assert set(bodies) == {"text/plain", "text/html"}
    for body in bodies.values():
        assert reminder.person.case_number in body
        assert str(reminder.person.public_id) in body
        assert "Fatima" not in body
    assert "Overdue" not in bodies["text/plain"]
    assert "Due today\n- [new] Case inactive: case " in bodies["text/plain"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 1)


@pytest.mark.django_db
def test_delivery_task_run_twice_delivers_one_email_to_the_smtp_server(smtp, caseworker_a):
    message = make_message(caseworker_a)

    tasks.send_outbound_message(message.pk)
    tasks.send_outbound_message(message.pk)

    assert len(smtp.received) == 1


@pytest.mark.django_db
def test_stuck_message_is_not_resent_by_the_task_and_the_admin_resends_it_exactly_once(
    smtp, caseworker_a, orgadmin_a, client_for, django_capture_on_commit_callbacks, send_in_process
):
    message = make_message(caseworker_a)
    # A worker claimed the message, then was killed before marking it sent.
    assert services.outbound_message_claim(message_id=message.pk)
    tasks.send_outbound_message(message.pk)  # redelivered (acks_late): finds it claimed, does nothing
    assert smtp.received == []
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - stuck_after() - timedelta(1))
    orgadmin_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outboundmessage", "change_outboundmessage"])
    )
    selection = {"action": "resend_selected", "_selected_action": [message.pk]}
    client = client_for(orgadmin_a)
    url = reverse("admin:outbox_outboundmessage_changelist")

    page = client.post(url, selection)
    assert "stuck in “sending”" in page.content.decode()
    assert smtp.received == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**selection, "confirm": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**selection, "confirm": "yes"})  # a second click: the message is sent, not stuck
    tasks.send_outbound_message(message.pk)

    assert len(smtp.received) == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT


# --- Through a real Celery worker and Redis ---------------------------------------------------


def worker_env(port: int, queue: str) -> dict[str, str]:
    """Mail to the test SMTP server, short backoff, and follow-up tasks on the worker's own queue."""
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "EMAIL_TIMEOUT": "5",
        "CASEWORK_EMAIL_RETRY_BACKOFF_MAX": "1",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_a_refused_digest_and_exactly_one_email_arrives():
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKM"), username="digest_user")
    reminder = due_reminder(user, due_on=timezone.localdate())
    queue = f"test-{uuid.uuid4().hex[:12]}"

    with smtp_server(refuse=2) as (handler, port), running_worker(env=worker_env(port, queue), queue=queue) as worker:
        # The beat job: it fans out build_digest, which records the message and enqueues its delivery.
        worker.send(reminder_tasks.email_daily_digests)
        arrived = wait_for(lambda: handler.received, timeout=40)
        assert arrived, f"no e-mail after 40 s ({handler.attempts} attempts); worker log:\n{worker.log()}"
        sent = wait_for(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).first(), timeout=10)
        # Any duplicate would be on its way by now: the backoff is at most 1 s.
        time.sleep(3)
        log = worker.log()

    assert handler.attempts == 3
    assert len(handler.received) == 1
    assert reminder.person.case_number in parts(handler.received[0])["text/plain"]
    assert sent is not None and sent.attempts == 3 and sent.last_error == ""
    assert OutboundMessage.objects.count() == 1
    assert log.count("Retry in") == 2, log
    assert "MailNotSent('SMTPDataError 451')" in log
    assert user.email not in log


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_marks_the_message_failed_after_the_last_retry():
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKF"), username="failing_user")
    message = make_message(user)
    queue = f"test-{uuid.uuid4().hex[:12]}"

    with smtp_server(refuse=100) as (handler, port), running_worker(env=worker_env(port, queue), queue=queue) as worker:
        worker.send(tasks.send_outbound_message, message.pk)
        failed = wait_for(lambda: OutboundMessage.objects.filter(status=OutboundStatus.FAILED).exists(), timeout=40)
        assert failed, f"not failed after 40 s ({handler.attempts} attempts); worker log:\n{worker.log()}"

    message.refresh_from_db()
    assert (message.attempts, message.last_error, handler.attempts) == (6, "SMTPDataError 451", 6)
    assert handler.received == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_does_not_resend_a_message_its_predecessor_claimed_until_the_admin_does():
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKS"), username="stuck_user")
    admin = factories.UserFactory(organisation=user.organisation, username="stuck_admin", is_superuser=True)
    message = make_message(user)
    # The previous worker claimed it and was killed before marking it sent.
    services.outbound_message_claim(message_id=message.pk)
    queue = f"test-{uuid.uuid4().hex[:12]}"

    with smtp_server() as (handler, port), running_worker(env=worker_env(port, queue), queue=queue) as worker:
        worker.send(tasks.send_outbound_message, message.pk)
        worker.send(tasks.send_outbound_message, message.pk)
        wait_for(lambda: worker.log().count("succeeded") >= 2, timeout=30)
        assert worker.log().count("'skipped'") == 2, worker.log()
        assert handler.received == []

        OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - stuck_after() - timedelta(1))
        with mock.patch.object(
            tasks.send_outbound_message, "delay", side_effect=lambda pk: worker.send(tasks.send_outbound_message, pk)
        ):
            services.outbound_message_resend(message=message, actor=admin)  # commits, then enqueues
        wait_for(lambda: handler.received, timeout=30)
        worker.send(tasks.send_outbound_message, message.pk)  # and once more: nothing
        wait_for(lambda: worker.log().count("succeeded") >= 4, timeout=30)

    assert len(handler.received) == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT


# --- A worker killed mid-way (SIGKILL: no warm shutdown, no chance to clean up) ------------------

# Seconds before Redis hands a message taken by a dead worker to another worker (an hour in production).
VISIBILITY_TIMEOUT = 3


def kill_test_env(port: int, queue: str) -> dict[str, str]:
    """`worker_env`, with a short visibility timeout and an SMTP timeout longer than the test holds DATA."""
    return {
        **worker_env(port, queue),
        "EMAIL_TIMEOUT": "60",
        "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_BROKER_URL": isolated_broker_url(),
    }


def resend_through(worker, *, message: OutboundMessage, actor) -> None:
    """The admin's re-send, once the message is stuck, with its delivery task going to `worker`."""
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - stuck_after() - timedelta(1))
    with mock.patch.object(
        tasks.send_outbound_message, "delay", side_effect=lambda pk: worker.send(tasks.send_outbound_message, pk)
    ):
        services.outbound_message_resend(message=message, actor=actor)  # commits, then enqueues


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server_kept_it", [True, False], ids=["server-kept-it", "server-lost-it"])
def test_worker_killed_while_sending_is_redelivered_and_never_sends_a_second_email(server_kept_it):
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKK"), username="killed_user")
    admin = factories.UserFactory(organisation=user.organisation, username="killed_admin", is_superuser=True)
    message = make_message(user)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    handler = BlockingHandler(keep=server_kept_it)

    with smtp_server(handler=handler) as (_, port):
        env = kill_test_env(port, queue)
        # Prefork, as in production: the e-mail is sent by the pool's child process.
        with running_worker(env=env, queue=queue, pool="prefork") as first:
            first.send(tasks.send_outbound_message, message.pk)
            assert wait_for(handler.entered.is_set, timeout=20), first.log()
            message.refresh_from_db()
            assert message.status == OutboundStatus.SENDING  # claimed and committed before sending
            first.kill()
            handler.release.set()
            # The server had the whole message when the client died: it keeps it, or (server-lost-it) not.
            assert len(handler.received) == int(server_kept_it)
            # acks_late: the dead worker never acknowledged the task; Redis hands it to the next worker
            # that starts after the visibility timeout.
            time.sleep(VISIBILITY_TIMEOUT + 0.5)
            with running_worker(env=env, queue=queue) as second:
                redelivered = wait_for(lambda: "'skipped'" in second.log(), timeout=20)
                assert redelivered, f"the killed task was not redelivered; worker log:\n{second.log()}"
                message.refresh_from_db()
                assert message.status == OutboundStatus.SENDING  # stuck: waits for an admin
                assert (handler.attempts, len(handler.received)) == (1, int(server_kept_it))

                resend_through(second, message=message, actor=admin)
                assert wait_for(lambda: len(handler.received) == int(server_kept_it) + 1, timeout=20), second.log()
                second.send(tasks.send_outbound_message, message.pk)  # and once more: nothing
                wait_for(lambda: second.log().count("succeeded") >= 3, timeout=20)
                log = second.log()

    assert log.count("'skipped'") == 2, log
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 1)
    # The admin's re-send is the only second delivery there can be, and it is the admin's decision
    # (after checking with the recipient); it carries the same Message-ID, so mail clients fold it away.
    assert len(handler.received) == (2 if server_kept_it else 1)
    assert {received["Message-ID"] for received in handler.received} == {f"<casework.outbound.{message.pk}@localhost>"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_pool_child_killed_while_sending_is_rerun_at_once_and_sends_nothing_more():
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKC"), username="child_user")
    message = make_message(user)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    handler = BlockingHandler()

    with (
        smtp_server(handler=handler) as (_, port),
        running_worker(env=kill_test_env(port, queue), queue=queue, pool="prefork") as worker,
    ):
        worker.send(tasks.send_outbound_message, message.pk)
        assert wait_for(handler.entered.is_set, timeout=20), worker.log()
        assert worker.kill_pool_children() == 1
        handler.release.set()
        # task_reject_on_worker_lost: the parent puts the task back on the queue at once (no
        # visibility timeout) and a new child runs it again; it finds the message claimed.
        rerun = wait_for(lambda: "'skipped'" in worker.log(), timeout=20)
        assert rerun, f"the task was not run again; worker log:\n{worker.log()}"
        time.sleep(1)
        log = worker.log()

    assert "WorkerLostError" in log, log
    assert log.count("'skipped'") == 1, log
    assert (handler.attempts, len(handler.received)) == (1, 1)
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENDING  # stuck: for an admin to re-send


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_before_the_task_ran_is_redelivered_and_sends_exactly_one_email():
    user = factories.UserFactory(organisation=factories.OrganisationFactory(code="WRKP"), username="prefetch_user")
    message = make_message(user)
    queue = f"test-{uuid.uuid4().hex[:12]}"

    with smtp_server() as (handler, port):
        env = kill_test_env(port, queue)
        with running_worker(env=env, queue=queue, pool="prefork") as first:
            # A countdown: the worker takes the message from Redis at once and holds it, unacknowledged,
            # until it is due; it is killed before then.
            first.send_later(tasks.send_outbound_message, message.pk, countdown=VISIBILITY_TIMEOUT + 3)
            assert wait_for(lambda: "received" in first.log(), timeout=20), first.log()
            first.kill()
            assert "succeeded" not in first.log()
            message.refresh_from_db()
            assert message.status == OutboundStatus.QUEUED
            time.sleep(VISIBILITY_TIMEOUT + 0.5)
            with running_worker(env=env, queue=queue) as second:
                assert wait_for(lambda: handler.received, timeout=20), second.log()
                second.send(tasks.send_outbound_message, message.pk)  # run again: nothing
                wait_for(lambda: second.log().count("succeeded") >= 2, timeout=20)
                log = second.log()

    assert log.count("'skipped'") == 1, log
    assert len(handler.received) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 1)

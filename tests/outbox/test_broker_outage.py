"""A broker outage after commit: the work is committed, the message stays queued, the stale requeue sends it.

The broker is the outside world here: its outage is a `send_outbound_message.delay` that raises
kombu's OperationalError, as Celery does when it cannot connect. Transactional tests, so
that commits (and the enqueue after them) happen as in production.
"""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from casework.govrequests.choices import FollowUpStatus
from casework.govrequests.models import Disclosure
from casework.outbox import selectors, tasks
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage
from casework.reminders import services as reminder_services
from tests import factories
from tests.govrequests.followups.fixtures import authority, draft, world  # noqa: F401 (fixtures)
from tests.govrequests.followups.helpers import send_post

pytestmark = pytest.mark.django_db(transaction=True)


def broker_down():
    """Every enqueue of the delivery task fails as when the broker cannot be reached (inside `send_in_process`)."""
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    return mock.patch.object(tasks.send_outbound_message, "delay", side_effect=refused)


def _requeue_after_an_hour(message, send_in_process) -> int:
    """Run the beat task, the broker back (`send_in_process`), once the message is stale (never enqueued)."""
    OutboundMessage.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert message.pk in selectors.outbound_stale_queued_ids()
    requeued = tasks.requeue_stale_outbound_messages()
    send_in_process.assert_called_once_with(message.pk)
    return requeued


def test_a_follow_up_sent_while_the_broker_is_down_is_recorded_queued_and_sent_later(
    client_for,
    caseworker_a,
    world,  # noqa: F811 (fixture)
    draft,  # noqa: F811 (fixture)
    caplog,
    send_in_process,
):
    client = client_for(caseworker_a)

    with caplog.at_level(logging.WARNING, logger="casework.outbox.services"), broker_down() as enqueue:
        response = send_post(client, world["sent"], draft)

    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("queued" in text for text in shown), shown
    assert enqueue.call_count == 1
    draft.refresh_from_db()
    assert draft.status == FollowUpStatus.SENT
    message = OutboundMessage.objects.get()
    assert message.status == OutboundStatus.QUEUED
    assert Disclosure.objects.get().outbound_message == message
    # Logged with the message's id only: no address, no name, no case number.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"message {message.pk} not enqueued" in logged
    assert "mfa@fr.example" not in logged
    assert not any(p.case_number in logged for p in world["pending"])
    assert not mail.outbox

    assert _requeue_after_an_hour(message, send_in_process) == 1

    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    assert [m.to for m in mail.outbox] == [["mfa@fr.example"]]


def test_a_digest_built_while_the_broker_is_down_stays_queued_for_the_requeue(caseworker_a, person_a, send_in_process):
    today = timezone.localdate()
    factories.ReminderFactory(person=person_a, recipient=caseworker_a, due_on=today)

    with broker_down() as enqueue:
        message = reminder_services.digest_build_for_user(user=caseworker_a, today=today)

    assert enqueue.call_count == 1
    assert message.status == OutboundStatus.QUEUED
    assert _requeue_after_an_hour(message, send_in_process) == 1
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT

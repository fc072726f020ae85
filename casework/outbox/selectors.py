"""Reads of the outbox for its periodic tasks."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage


def outbound_stale_after() -> timedelta:
    """How long a queued message may wait: longer than any retry backoff, plus a margin (a setting)."""
    return timedelta(seconds=settings.CASEWORK_OUTBOX_STALE_AFTER_SECONDS)


def outbound_stale_queued_ids(*, now: datetime | None = None) -> list[int]:
    """Messages queued for longer than any retry waits: their task was lost or never enqueued (broker down).

    Enqueueing them again is safe: a task that finds its message no longer queued does nothing.
    """
    return list(
        OutboundMessage.objects.filter(
            status=OutboundStatus.QUEUED, updated_at__lt=(now or timezone.now()) - outbound_stale_after()
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )

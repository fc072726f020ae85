"""Periodic reminder tasks."""

from celery import shared_task
from django.utils import timezone

from casework.reminders import services


@shared_task
def sweep_reminders() -> dict[str, int]:
    """Raise the reminders due today (local date); safe to run twice: the second run raises nothing."""
    result = services.reminders_sweep(today=timezone.localdate())
    return {**result.created, "marked_no_response": result.marked_no_response}

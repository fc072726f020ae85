"""Periodic retention work: list the closed cases whose retention period has run out."""

from celery import shared_task

from casework.retention.services import retention_list_due


@shared_task(acks_late=True)
def list_due_retention_reviews() -> int:
    """Daily: open a review for each case due; supervisors decide on them (idempotent)."""
    return retention_list_due()

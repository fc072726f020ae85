"""Periodic work of the matching app."""

from celery import shared_task

from casework.matching.duplicates import duplicates_scan


@shared_task
def find_duplicate_pairs() -> dict[str, int]:
    """Beat, nightly: the duplicate scan of every organisation; safe to run twice (the same pairs)."""
    result = duplicates_scan()
    return {
        "organisations": result.organisations,
        "compared": result.compared,
        "created": result.created,
        "updated": result.updated,
        "reopened": result.reopened,
        "removed": result.removed,
    }

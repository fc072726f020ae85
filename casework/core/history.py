"""Writes that leave a django-simple-history row naming who made the change (and why)."""

from typing import Any

# django-simple-history keeps at most 100 characters of a change reason.
CHANGE_REASON_LENGTH = 100


def save_with_history(obj: Any, actor: Any, *, reason: str | None = None, update_fields: Any = None) -> None:
    """Save `obj`; its history row names `actor` and, when given, `reason` (cut to the history's length)."""
    obj._history_user = actor
    if reason is not None:
        obj._change_reason = reason[:CHANGE_REASON_LENGTH]
    obj.save(update_fields=update_fields)


def delete_with_history(obj: Any, actor: Any) -> None:
    """Delete `obj`; its last history row (the deletion) names `actor`."""
    obj._history_user = actor
    obj.delete()

"""Domain errors carry a message that a caseworker can read; views turn them into messages."""

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action."""


class TransitionNotAllowed(DomainError):
    """The requested status change is not a legal move from the current status."""

    def __init__(self, *, current: str, requested: str, reason: str = "", labels: Any = None) -> None:
        """`labels` is the TextChoices class of the status, so that the message shows its labels."""
        self.current = current
        self.requested = requested
        self.reason = reason

        def label(value: str) -> str:
            return str(labels(value).label) if labels is not None and value in labels.values else value

        message = _("Cannot move from “%(current)s” to “%(requested)s”.") % {
            "current": label(current),
            "requested": label(requested),
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)

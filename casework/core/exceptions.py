"""Domain errors carry a message that a caseworker can read; views turn them into messages."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action."""


class TransitionNotAllowed(DomainError):
    """The requested status change is not a legal move from the current status."""

    def __init__(self, *, current: str, requested: str, reason: str = "") -> None:
        self.current = current
        self.requested = requested
        self.reason = reason
        message = _("Cannot move from “%(current)s” to “%(requested)s”.") % {
            "current": current,
            "requested": requested,
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)

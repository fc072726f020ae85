"""Choices of the imports app. Imports nothing from the project."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, to be mapped")
    QUEUED = "queued", _("Dry run queued")
    CHECKING = "checking", _("Dry run in progress")
    CHECKED = "checked", _("Checked, ready to commit")
    COMMITTING = "committing", _("Commit in progress")
    COMMITTED = "committed", _("Committed")
    UNDOING = "undoing", _("Undo in progress")
    UNDONE = "undone", _("Undone")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


BATCH_STATUS_BADGE = {
    BatchStatus.UPLOADED: "secondary",
    BatchStatus.QUEUED: "info",
    BatchStatus.CHECKING: "info",
    BatchStatus.CHECKED: "primary",
    BatchStatus.COMMITTING: "warning",
    BatchStatus.COMMITTED: "success",
    BatchStatus.UNDOING: "warning",
    BatchStatus.UNDONE: "dark",
    BatchStatus.CANCELLED: "dark",
    BatchStatus.FAILED: "danger",
}

# A dry run may be (re)started from these states; the mapping may be edited in them too.
MAPPABLE_STATUSES = frozenset({BatchStatus.UPLOADED, BatchStatus.CHECKED, BatchStatus.CANCELLED, BatchStatus.FAILED})


class RowAction(models.TextChoices):
    CREATE = "create", _("New person")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Nothing to change")
    SKIP = "skip", _("Skipped")
    ERROR = "error", _("Error")


class Decision(models.TextChoices):
    """What the user chose for a row with possible duplicates."""

    UNDECIDED = "", _("Not decided")
    NEW = "new", _("New person")
    SAME = "same", _("Same as the existing person")
    SKIP = "skip", _("Skip this row")

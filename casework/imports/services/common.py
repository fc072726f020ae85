"""What every write of the imports app shares: the permission check, the batch lock, the chunk size, the
hand-over to the worker."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from casework.imports.models import ImportBatch

RUN_PERMISSION = "imports.run_import"
# Rows read, checked and written at a time: memory stays bounded by a chunk, whatever the file's size.
ROW_CHUNK = 2000


def require(actor: Any) -> None:
    """PermissionDenied unless the actor may run imports."""
    if not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied


def lock_batch(batch: ImportBatch, actor: Any) -> ImportBatch:
    """The batch, locked for update, if the actor's organisation owns it (PermissionDenied otherwise)."""
    locked = ImportBatch.objects.select_for_update().visible_to(actor).filter(pk=batch.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def hand_to_worker(locked: ImportBatch, status: str, task: Any, actor: Any) -> ImportBatch:
    """Put the locked batch in the worker's `status` (its file errors cleared) and queue the worker's `task`
    (with the batch and the actor) once this transaction commits."""
    locked.status = status
    locked.file_errors = []
    locked.save(update_fields=["status", "file_errors", "updated_at"])
    transaction.on_commit(lambda: task.delay(locked.pk, actor.pk))
    return locked

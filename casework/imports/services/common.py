"""What every write of the imports app shares: the permission check, the batch lock, the chunk size."""

from typing import Any

from django.core.exceptions import PermissionDenied

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

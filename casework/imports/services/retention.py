"""Retention of uploaded files: deleted after `IMPORTS_FILE_RETENTION_DAYS`; the batches and their reports stay."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.imports.models import ImportBatch


def expired_file_batch_ids(*, now: datetime | None = None) -> list[int]:
    """Batches whose uploaded file is past the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORTS_FILE_RETENTION_DAYS)
    return list(
        ImportBatch.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
        .exclude(file="")
        .values_list("pk", flat=True)
    )


def batch_delete_file(*, batch_id: int) -> bool:
    """Delete a batch's stored file (idempotent); the batch and its rows stay."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, file_deleted_at__isnull=True).first()
        if batch is None or not batch.file:
            return False
        name, storage = batch.file.name, batch.file.storage
        batch.file = ""
        batch.file_deleted_at = timezone.now()
        batch.save(update_fields=["file", "file_deleted_at", "updated_at"])
        transaction.on_commit(lambda: storage.delete(name), robust=True)
    return True

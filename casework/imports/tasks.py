"""Tasks of the imports app: the dry run, the commit (in the worker, so the web process never blocks),
and the deletion of uploaded files past their retention period. Arguments are ids only."""

from collections.abc import Callable

from celery import shared_task

from casework.accounts.models import User
from casework.core.exceptions import DomainError
from casework.imports import services
from casework.imports.choices import BatchStatus
from casework.imports.models import ImportBatch


def _run_queued(batch_id: int, user_id: int, service: Callable[..., object], *, queued: str, back: str) -> None:
    """Run `service` on a batch still in status `queued`, as `user_id`; a refusal puts it `back`, with the reason."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=queued).first()
    if batch is None:
        return
    try:
        service(batch=batch, actor=User.objects.get(pk=user_id))
    except DomainError as exc:
        ImportBatch.objects.filter(pk=batch_id, status=queued).update(status=back, file_errors=[str(exc)])


@shared_task
def check_import(batch_id: int) -> None:
    """Run the dry run of a queued batch (does nothing if it is no longer queued)."""
    services.batch_run_dry_run(batch_id=batch_id)


@shared_task
def commit_import(batch_id: int, user_id: int) -> None:
    """Commit a batch queued for commit, as `user_id`.

    The batch stays `committing` until the commit's own transaction marks it committed: a worker killed
    mid-commit leaves nothing written and the redelivered task (acks late) tries again. A refusal puts
    the batch back to `checked` with the reason.
    """
    _run_queued(batch_id, user_id, services.batch_commit, queued=BatchStatus.COMMITTING, back=BatchStatus.CHECKED)


@shared_task
def delete_expired_import_files() -> int:
    """Delete the uploaded files past `IMPORTS_FILE_RETENTION_DAYS` (the batches and their reports stay)."""
    return sum(services.batch_delete_file(batch_id=pk) for pk in services.expired_file_batch_ids())


@shared_task
def undo_import(batch_id: int, user_id: int) -> None:
    """Undo a batch queued for undo, as `user_id` (one transaction; a refusal puts it back to `committed`)."""
    _run_queued(batch_id, user_id, services.batch_undo, queued=BatchStatus.UNDOING, back=BatchStatus.COMMITTED)

"""Writes of the imports app: upload, mapping, dry run, duplicate decisions, commit and undo of a batch.

Terms: a *batch* is one uploaded file; the *dry run* checks every row and stores what it would do
(`ImportRow`); the *commit* writes exactly that in one transaction, through set-based equivalents of the
people services (same validation, django-simple-history rows naming the actor and the batch, the matcher's
name keys, one audit event for the batch); *undo* removes what a batch created and restores what it updated.

One module per concern: `batches` (upload to the hand-over to the worker), `commit` with `related` and
`bulk` (the set-based writes), `undo`, `retention`.
"""

from casework.imports.services.batches import (
    batch_cancel,
    batch_check_now,
    batch_queue_commit,
    batch_queue_dry_run,
    batch_run_dry_run,
    batch_set_mapping,
    batch_upload,
    mapping_template_save,
    row_decide,
    rows_decide_all,
)
from casework.imports.services.commit import batch_commit, check_committable
from casework.imports.services.common import ROW_CHUNK, RUN_PERMISSION
from casework.imports.services.retention import batch_delete_file, expired_file_batch_ids
from casework.imports.services.undo import batch_queue_undo, batch_undo, undo_blockers

__all__ = [
    "ROW_CHUNK",
    "RUN_PERMISSION",
    "batch_cancel",
    "batch_check_now",
    "batch_commit",
    "batch_delete_file",
    "batch_queue_commit",
    "batch_queue_dry_run",
    "batch_queue_undo",
    "batch_run_dry_run",
    "batch_set_mapping",
    "batch_undo",
    "batch_upload",
    "check_committable",
    "expired_file_batch_ids",
    "mapping_template_save",
    "row_decide",
    "rows_decide_all",
    "undo_blockers",
]

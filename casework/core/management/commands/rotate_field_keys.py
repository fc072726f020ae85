"""Re-encrypt every encrypted field with the first key of CASEWORK_FIELD_KEYS (key rotation).

Rotation: put a new key first in CASEWORK_FIELD_KEYS (keep the old ones after it), restart the
application, run this command, then remove the old keys. It works table by table in primary-key
batches and records a checkpoint after each batch, so a rerun after an interruption resumes where it
stopped; when every table is done the checkpoints are cleared. See docs/operations.md.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from casework.core import crypto, rekey
from casework.core.models import KeyRotationCheckpoint


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of CASEWORK_FIELD_KEYS (resumable)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=rekey.BATCH_SIZE)
        parser.add_argument("--restart", action="store_true", help="Ignore checkpoints of an earlier, unfinished run.")
        parser.add_argument("--new-key", action="store_true", help="Only print a fresh key to put first, and stop.")

    def handle(self, *args: Any, batch_size: int, restart: bool, new_key: bool, **options: Any) -> None:
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        if restart:
            KeyRotationCheckpoint.objects.all().delete()
        for model in rekey.encrypted_models():
            label = model._meta.label
            checkpoint, _ = KeyRotationCheckpoint.objects.get_or_create(model_label=label)
            if checkpoint.finished:
                self.stdout.write(f"{label}: done in an earlier run")
                continue
            pk_field = model._meta.pk
            after_pk = pk_field.to_python(checkpoint.last_pk) if checkpoint.last_pk else None

            def save_checkpoint(pk: object, checkpoint: KeyRotationCheckpoint = checkpoint) -> None:
                checkpoint.last_pk = str(pk)
                checkpoint.save(update_fields=["last_pk", "updated_at"])

            batches = self._rotate(model, after_pk, batch_size, save_checkpoint)
            checkpoint.finished = True
            checkpoint.save(update_fields=["finished", "updated_at"])
            self.stdout.write(f"{label}: {batches} batch(es) re-encrypted")
        KeyRotationCheckpoint.objects.all().delete()
        self.stdout.write(self.style.SUCCESS("Every encrypted field now uses the first key."))

    def _rotate(self, model: Any, after_pk: object, batch_size: int, save_checkpoint: Any) -> int:
        batches = 0
        while True:
            # Each batch and its checkpoint commit together: an interruption loses at most one batch.
            with transaction.atomic():
                last = rekey.reencrypt_batch(model, after_pk=after_pk, batch_size=batch_size)
                if last is None:
                    return batches
                save_checkpoint(last)
            after_pk = last
            batches += 1

"""Re-encrypting stored rows: the data migrations that encrypt existing rows and `rotate_field_keys`.

Reading a row decrypts its encrypted fields with any configured key (plain text from before the
encryption is read as is); writing it back encrypts with the first key. So one pass over a table in
primary-key order both encrypts old plain text and moves every value to the newest key.
"""

from collections.abc import Callable, Iterable

from django.apps import apps as global_apps
from django.db import models

from casework.core.fields import EncryptedTextField

BATCH_SIZE = 500


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """Names of the encrypted fields of a model (its django-simple-history copy has the same ones)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def encrypted_models(apps: object = global_apps) -> list[type[models.Model]]:
    """Every installed model, history models included, with at least one encrypted field, by label."""
    found = [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]
    return sorted(found, key=lambda m: m._meta.label)


def reencrypt_batch(model: type[models.Model], *, after_pk: object, batch_size: int = BATCH_SIZE) -> object | None:
    """Re-encrypt the next `batch_size` rows after `after_pk` (in a transaction); the last pk done, or None at the end."""
    fields = encrypted_fields(model)
    # Locked until the batch commits (the caller holds the transaction): the application keeps working during a
    # rotation, and a value saved between this reading and the writing back would be replaced by the one read.
    queryset = model._base_manager.select_for_update().order_by("pk").only("pk", *fields)
    if after_pk is not None:
        queryset = queryset.filter(pk__gt=after_pk)
    rows = list(queryset[:batch_size])
    if not rows:
        return None
    # One UPDATE … CASE per batch; only the encrypted columns are written (no updated_at, no history).
    model._base_manager.bulk_update(rows, fields, batch_size=batch_size)
    return rows[-1].pk


def reencrypt_model(model: type[models.Model], *, batch_size: int = BATCH_SIZE) -> int:
    """Re-encrypt every row of `model`; returns the number of batches."""
    batches = 0
    after_pk = None
    while (after_pk := reencrypt_batch(model, after_pk=after_pk, batch_size=batch_size)) is not None:
        batches += 1
    return batches


def migration_reencrypt(*labels: str) -> Callable:
    """A RunPython function for a data migration encrypting the rows of the given models (and their history)."""

    def run(apps: object, schema_editor: object) -> None:
        for label in labels:
            model = apps.get_model(label)
            reencrypt_model(model)

    return run


def models_for(labels: Iterable[str]) -> list[str]:
    """`app.Model` labels plus their `app.HistoricalModel` copies, for `migration_reencrypt`."""
    out = []
    for label in labels:
        app, name = label.split(".")
        out += [label, f"{app}.Historical{name}"]
    return out

"""Highly sensitive (L3) fields: who may read them, and the log of each reading.

L3 covers screening results, health and disability, DNA results, child-protection notes and
exact location (block/tent). Each model lists its L3 fields in `SENSITIVE_FIELDS`.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from casework.core import audit

VIEW_SENSITIVE_PERMISSION = "accounts.view_sensitive_data"
# The audit action of every reading of L3 fields (here, on the person export and in the reminder lists).
SENSITIVE_READ = "sensitive.read"


def can_view_sensitive(user: Any) -> bool:
    """True if the user holds the extra permission for L3 fields (granted per user)."""
    return bool(user and user.is_authenticated and user.has_perm(VIEW_SENSITIVE_PERMISSION))


def sensitive_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """The L3 field names of a model (empty for models without any)."""
    return getattr(model, "SENSITIVE_FIELDS", frozenset())


def hidden_fields_for(user: Any, model: type[models.Model]) -> frozenset[str]:
    """Fields that must not be shown to this user: the L3 fields unless they hold the permission."""
    return frozenset() if can_view_sensitive(user) else sensitive_fields(model)


def log_sensitive_read(*, user: Any, objects: Iterable[models.Model], context: str) -> None:
    """Record that `user` read the L3 fields of `objects` (one audit event per object)."""
    for obj in objects:
        fields = sorted(sensitive_fields(obj))
        if fields:
            audit.record(
                actor=user,
                action=SENSITIVE_READ,
                target=obj,
                data={"fields": fields, "context": context},
            )

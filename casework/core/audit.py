"""Writing to the audit log. Data written here never contains names or other personal data."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from casework.core.models import AuditEvent


def record(*, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Append one audit event; `target` is identified by its public id when it has one."""
    organisation_id = None
    target_type = None
    target_id = ""
    if target is not None:
        target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
        target_id = str(getattr(target, "public_id", None) or target.pk)
        organisation_id = getattr(target, "organisation_id", None)
        # Child records take the organisation of the person, request or operation they belong to.
        for parent in ("person", "request", "operation"):
            if organisation_id is not None:
                break
            if hasattr(target, parent):
                organisation_id = getattr(target, parent).organisation_id
    if organisation_id is None and actor is not None:
        organisation_id = getattr(actor, "organisation_id", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation_id=organisation_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
    )


def record_many(*, actor: Any, action: str, targets: list[tuple[models.Model, dict]]) -> list[AuditEvent]:
    """Append one audit event per (target, data) pair in one insert; targets must have an `organisation_id`.

    For set-based services that act on many records of one model at once (e.g. the sweep's
    "no response" mark); each event is the same as `record` writes for that target.
    """
    events = [
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            organisation_id=target.organisation_id or getattr(actor, "organisation_id", None),
            action=action,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
            target_id=str(getattr(target, "public_id", None) or target.pk),
            data=data or {},
        )
        for target, data in targets
    ]
    return AuditEvent.objects.bulk_create(events)

"""Dossiers of large requests are rendered in the worker. Arguments are ids only."""

from celery import shared_task

from casework.dossiers import services


@shared_task(acks_late=True)
def render_dossier(dossier_id: int) -> str:
    """Render one pending dossier (idempotent: a ready or failed dossier is left as it is)."""
    try:
        dossier = services.dossier_render(dossier_id=dossier_id)
    except Exception as exc:
        services.dossier_mark_failed(dossier_id=dossier_id, reason=exc.__class__.__name__)
        raise
    return dossier.status

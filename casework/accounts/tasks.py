"""Account housekeeping tasks."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from casework.accounts.models import UserSession


@shared_task
def purge_expired_sessions() -> int:
    """Delete expired sessions (the database session store never does it by itself) and their login records."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return deleted

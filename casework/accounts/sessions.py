"""Login sessions: what a session records at login, its absolute lifetime, and ending a user's sessions.

A session is *verified* once the user has given their second factor (`twofactor.py`); until then it
opens only the second-factor pages (`middleware.SecondFactorMiddleware`). Every session ends
`SESSION_IDLE_TIMEOUT` seconds after its last request (Django's sliding expiry) and at the latest
`SESSION_ABSOLUTE_LIFETIME` seconds after the login (`middleware.SessionLifetimeMiddleware`).
"""

import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from casework.accounts.models import User, UserSession
from casework.core import audit

LOGIN_AT_KEY = "casework_login_at"  # epoch seconds of the password step
VERIFIED_USER_KEY = "casework_verified_user"  # pk of the user whose second factor this session took
SESSIONS_ENDED = "accounts.user.sessions_ended"  # the audit action of ending a user's sessions


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or behind N trusted proxies the N-th address from the right of
    X-Forwarded-For (`CASEWORK_TRUSTED_PROXY_COUNT`). Addresses further left are the client's to forge."""
    count = settings.CASEWORK_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _ip_or_none(value: str) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def session_started(request: HttpRequest, user: User) -> None:
    """At login (password step): remember when, and record the session for its user."""
    request.session[LOGIN_AT_KEY] = int(time.time())
    request.session.pop(VERIFIED_USER_KEY, None)
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": _ip_or_none(client_ip(request)),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "verified_at": None,
        },
    )


def session_verified(request: HttpRequest, device: Any) -> None:
    """The second factor was given: a new session key (the pre-verification one is dropped), marked verified."""
    old_key = request.session.session_key
    request.session.cycle_key()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session[VERIFIED_USER_KEY] = request.user.pk
    request.session.save()
    UserSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key, verified_at=timezone.now()
    )


def is_verified(request: HttpRequest) -> bool:
    """Whether this session's user gave their second factor in this session (no query)."""
    return request.session.get(VERIFIED_USER_KEY) == request.user.pk and bool(
        request.session.get(DEVICE_ID_SESSION_KEY)
    )


def is_expired(session: SessionBase) -> bool:
    """Whether the session is past its absolute lifetime (or predates the recording of login times)."""
    login_at = session.get(LOGIN_AT_KEY)
    return login_at is None or time.time() - login_at > settings.SESSION_ABSOLUTE_LIFETIME


def session_rekeyed(old_key: str | None, new_key: str | None) -> None:
    """The session got a new key (Django does so on a password change): its record follows."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_ended(session_key: str | None) -> None:
    """At logout: forget the session's record."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_end_sessions(*, user: User, actor: Any, reason: str, keep: str | None = None) -> int:
    """End every session of `user` (except the session key `keep`, the actor's own current one); audited.

    `reason` is a short code (`password`, `roles`, `sensitive_access`, `deactivated`, `second_factor`,
    `admin`, `own`), never free text.
    """
    from django.contrib.sessions.models import Session

    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    audit.record(actor=actor, action=SESSIONS_ENDED, target=user, data={"reason": reason, "count": len(keys)})
    return len(keys)


def user_end_session(*, user: User, pk: int, keep: str | None) -> bool:
    """The user ends one of their own sessions (not `keep`, the current one); audited. False if none such."""
    from django.contrib.sessions.models import Session

    row = UserSession.objects.filter(user=user, pk=pk).exclude(session_key=keep or "").first()
    if row is None:
        return False
    Session.objects.filter(session_key=row.session_key).delete()
    row.delete()
    audit.record(actor=user, action=SESSIONS_ENDED, target=user, data={"reason": "own", "count": 1})
    return True


def sessions_of(user: User) -> list[UserSession]:
    """The user's live sessions, newest first (rows whose Django session expired are left out)."""
    from django.contrib.sessions.models import Session

    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(UserSession.objects.filter(user=user, session_key__in=live))

"""Login events: each login, failed login and lockout is an audit event; each login starts a recorded session.

No password and no typed user name is kept: a failed login names its target only when the name is a
real account (a mistyped name may be a password typed in the wrong field). The client IP is kept,
as the lockout counts by it.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from casework.accounts import sessions
from casework.accounts.models import User
from casework.core import audit


def _account(username: Any) -> User | None:
    if not isinstance(username, str) or not username or len(username) > 150:
        return None
    return User.objects.filter(username=username).first()


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    sessions.session_started(request, user)
    audit.record(actor=user, action="accounts.user.logged_in", target=user, data={"ip": sessions.client_ip(request)})


def on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    target = _account(credentials.get("username"))
    data = {"ip": sessions.client_ip(request)} if request is not None else {}
    audit.record(actor=None, action="accounts.user.login_failed", target=target, data=data)


def on_locked_out(sender: Any, request: HttpRequest | None, username: Any, ip_address: Any, **kwargs: Any) -> None:
    audit.record(
        actor=None, action="accounts.user.locked_out", target=_account(username), data={"ip": ip_address or ""}
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.session_ended(request.session.session_key)


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="casework.accounts.on_logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="casework.accounts.on_login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="casework.accounts.on_logged_out")
    user_locked_out.connect(on_locked_out, dispatch_uid="casework.accounts.on_locked_out")

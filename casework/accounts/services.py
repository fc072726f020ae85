"""Writes about users: their own settings, credentials and rights.

Terms: a user's *preferences* are the interface language (applied on every request by
`casework.accounts.middleware.UserLanguageMiddleware`) and how often they get the e-mail digest
of their reminders (`digest_frequency`, read by `casework.reminders.selectors.digest_is_due`).
*Credentials* are the password, the e-mail address a reset link goes to, and (later) second factors;
*rights* are the role groups and the L3 permission `accounts.view_sensitive_data`.
"""

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from casework.accounts import sessions
from casework.accounts.models import User
from casework.accounts.roles import ORGANISATION_ADMIN
from casework.core import audit
from casework.core.exceptions import DomainError


@transaction.atomic
def user_set_preferences(
    *, user: User, actor: Any, language: str | None = None, digest_frequency: str | None = None
) -> User:
    """Change the user's own language and digest frequency; only the user may change them. Audited."""
    if actor.pk != user.pk:
        raise DomainError(_("Only the user may change their own preferences."))
    changed: dict[str, str] = {}
    if language is not None and language != user.language:
        if language not in User.Language.values:
            raise DomainError(_("Unknown language."))
        changed["language"] = language
    if digest_frequency is not None and digest_frequency != user.digest_frequency:
        if digest_frequency not in User.DigestFrequency.values:
            raise DomainError(_("Unknown digest frequency."))
        changed["digest_frequency"] = digest_frequency
    if not changed:
        return user
    User.objects.filter(pk=user.pk).update(**changed)
    for name, value in changed.items():
        setattr(user, name, value)
    audit.record(actor=actor, action="accounts.user.preferences_changed", target=user, data=changed)
    return user


# --- Credentials and rights ------------------------------------------------------------------------

SENSITIVE_PERMISSION = "view_sensitive_data"  # codename of `accounts.view_sensitive_data` (L3)


def holds_sensitive_access(user: User) -> bool:
    """Whether the L3 permission is granted to `user` (directly or through a group), active or not."""
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user), codename=SENSITIVE_PERMISSION, content_type__app_label="accounts"
    ).exists()


def may_manage_credentials(*, actor: Any, target: User) -> bool:
    """Whether `actor` may set `target`'s password, e-mail address or (future) second factors.

    Only superusers may for a user who holds more rights than an organisation admin: a superuser,
    a holder of the L3 permission (unless the actor holds it too), or another organisation admin.
    Setting their password would let the actor read as them; they reset by a link to their own e-mail.
    """
    if actor.is_superuser or actor.pk == target.pk:
        return True
    if target.is_superuser or target.groups.filter(name=ORGANISATION_ADMIN).exists():
        return False
    return not (holds_sensitive_access(target) and not holds_sensitive_access(actor))


def user_record_password_change(*, actor: Any, user: User, how: str, keep_session: str | None = None) -> None:
    """Audit a new password: `how` is `set` (by an admin), `changed` (by the user) or `reset` (by e-mail link).

    Every session of the user ends, except `keep_session` (the user's own, when they changed it themselves).
    """
    audit.record(actor=actor, action=f"accounts.user.password_{how}", target=user)
    sessions.user_end_sessions(user=user, actor=actor, reason="password", keep=keep_session)


def user_record_deactivation(*, actor: Any, user: User) -> None:
    """A user was deactivated: audited, and their sessions end."""
    audit.record(actor=actor, action="accounts.user.deactivated", target=user)
    sessions.user_end_sessions(user=user, actor=actor, reason="deactivated")


def user_send_password_reset(*, actor: Any, user: User, request: HttpRequest) -> None:
    """E-mail `user` a one-time link to choose a new password (after commit); audited.

    The link goes to the user's own address only; the subject carries the site name, no personal data.
    """
    audit.record(actor=actor, action="accounts.user.password_reset_sent", target=user)
    if not user.email or not user.is_active:
        return
    context = {
        "email": user.email,
        "domain": request.get_host(),
        "site_name": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    transaction.on_commit(
        lambda: PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            user.email,
        )
    )


def user_record_rights_change(
    *, actor: Any, user: User, roles_before: set[str], roles_after: set[str], sensitive_before: bool, reason: str = ""
) -> None:
    """Audit each role granted or revoked and a grant or revocation of the L3 permission (a grant needs a reason).

    A change of roles or a revocation of the L3 permission ends the user's sessions: rights already
    loaded in a session (and a second factor given for them) do not outlive the change.
    """
    for role in sorted(roles_after - roles_before):
        audit.record(actor=actor, action="accounts.user.role_granted", target=user, data={"role": role})
    for role in sorted(roles_before - roles_after):
        audit.record(actor=actor, action="accounts.user.role_revoked", target=user, data={"role": role})
    sensitive_after = holds_sensitive_access(user)
    if sensitive_after and not sensitive_before:
        if not reason.strip():
            raise DomainError(_("Granting access to highly sensitive data needs a reason."))
        audit.record(actor=actor, action="accounts.user.sensitive_access_granted", target=user, data={"reason": reason})
    elif sensitive_before and not sensitive_after:
        data = {"reason": reason} if reason.strip() else {}
        audit.record(actor=actor, action="accounts.user.sensitive_access_revoked", target=user, data=data)
    if roles_after != roles_before:
        sessions.user_end_sessions(user=user, actor=actor, reason="roles")
    elif sensitive_before and not sensitive_after:
        sessions.user_end_sessions(user=user, actor=actor, reason="sensitive_access")


def organisation_record_second_factor_policy(*, actor: Any, organisation: Any) -> None:
    """Audit a change of whether every user of `organisation` gives a second factor.

    Turned on, it applies at once to sessions opened without one (`SecondFactorMiddleware` asks on
    each of their requests); turned off, it spares only users with no rights beyond their caseload.
    """
    audit.record(
        actor=actor,
        action="accounts.organisation.second_factor_policy_changed",
        target=organisation,
        data={"required_for_all": organisation.require_second_factor_for_all},
    )

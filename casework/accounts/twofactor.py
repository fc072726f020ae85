"""Second factor (django-otp): an authenticator app (TOTP) and one-time backup codes, for every account.

A user without a confirmed device is sent to enrolment right after their password; a user with one
gives a code from the app or a backup code. Each code is checked against one device at a time so that
django-otp's throttling (growing delays after failures) applies. Backup codes are shown once, at
enrolment or when renewed; only their use is stored. A lost phone and lost codes: an administrator
resets the second factor (`second_factor_reset`, same rights rule as for passwords), which ends the
user's sessions; the user enrols again at their next login.
"""

import base64
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_otp import devices_for_user, user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import services, sessions
from casework.accounts.models import User
from casework.accounts.roles import ORGANISATION_ADMIN
from casework.core import audit
from casework.core.exceptions import DomainError

APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "backup"
SECOND_FACTOR_FAILED = "accounts.user.second_factor_failed"  # the audit action of a wrong code (enrolment or login)


def is_required(user: User) -> bool:
    """Whether `user` must give a second factor after the password (one query, none for staff).

    Always for staff, superusers, users without an organisation, organisation admins, holders of the
    L3 permission and users who enrolled a factor of their own; for the others, when their
    organisation requires it for everyone (`Organisation.require_second_factor_for_all`, the default).
    Read on every request of a session without a second factor, so that a change of the
    organisation's setting or of the user's rights applies to sessions already open.
    """
    if user.is_staff or user.is_superuser or user.organisation_id is None:
        return True
    sensitive = Q(user_permissions__codename=services.SENSITIVE_PERMISSION) | Q(
        groups__permissions__codename=services.SENSITIVE_PERMISSION
    )
    exempt = (
        User.objects.filter(pk=user.pk, is_active=True, organisation__require_second_factor_for_all=False)
        .exclude(groups__name=ORGANISATION_ADMIN)
        .exclude(pk__in=User.objects.filter(sensitive).values("pk"))
        .exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
        .exclude(pk__in=StaticDevice.objects.filter(confirmed=True).values("user_id"))
    )
    return not exempt.exists()


def is_enrolled(user: User) -> bool:
    """Whether the user has a confirmed second factor."""
    return user_has_device(user, confirmed=True)


def pending_app_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device being enrolled (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _new_backup_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.CASEWORK_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app device with a first code; returns new backup codes, or None if the code is wrong. Audited.

    Any other app device of the user is replaced: one app per user.
    """
    if device.user_id != user.pk or device.confirmed:
        raise DomainError("not a pending device of this user")
    if not device.verify_token(token.strip()):
        audit.record(actor=user, action=SECOND_FACTOR_FAILED, target=user, data={"step": "enrol"})
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit.record(actor=user, action="accounts.user.second_factor_enrolled", target=user)
    return codes


def verify(*, user: User, token: str) -> Any | None:
    """The confirmed device that accepts `token` (app code or backup code), or None. Failures are audited."""
    token = token.strip().replace(" ", "")
    if token:
        for device in devices_for_user(user, confirmed=True):
            accepted = otp_verify_token(user, device.persistent_id, token)
            if accepted is not None:
                kind = "backup_code" if isinstance(accepted, StaticDevice) else "app"
                audit.record(actor=user, action="accounts.user.second_factor_given", target=user, data={"with": kind})
                return accepted
    audit.record(actor=user, action=SECOND_FACTOR_FAILED, target=user, data={"step": "login"})
    return None


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def backup_codes_renew(*, user: User) -> list[str]:
    """New backup codes for the user (the old ones stop working); the user's own act, audited."""
    if not is_enrolled(user):
        raise DomainError("no second factor to renew codes of")
    codes = _new_backup_codes(user)
    audit.record(actor=user, action="accounts.user.backup_codes_renewed", target=user)
    return codes


@transaction.atomic
def second_factor_reset(*, actor: Any, user: User) -> None:
    """Remove every second-factor device of `user` and end their sessions; they enrol again at next login.

    Refused (DomainError) when `actor` may not manage `user`'s credentials: an organisation admin may not
    reset a user who holds more rights (`services.may_manage_credentials`). Audited.
    """
    if actor.pk == user.pk or not services.may_manage_credentials(actor=actor, target=user):
        raise DomainError("may not reset this user's second factor")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action="accounts.user.second_factor_reset", target=user)
    sessions.user_end_sessions(user=user, actor=actor, reason="second_factor")

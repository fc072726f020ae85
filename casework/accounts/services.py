"""Writes about users' own settings.

Terms: a user's *preferences* are the interface language (applied on every request by
`casework.accounts.middleware.UserLanguageMiddleware`) and how often they get the e-mail digest
of their reminders (`digest_frequency`, read by `casework.reminders.selectors.digest_is_due`).
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casework.accounts.models import User
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

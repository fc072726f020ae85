"""System checks for the field encryption keys (run by `manage.py check`, `check --deploy` and at start)."""

from typing import Any

from django.conf import settings
from django.core import checks

from casework.core import crypto


@checks.register(checks.Tags.security)
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    keys = list(getattr(settings, "CASEWORK_FIELD_KEYS", []))
    if not keys:
        return [checks.Error("CASEWORK_FIELD_KEYS is empty: L3 fields cannot be encrypted.", id="casework.E001")]
    if len(set(keys)) != len(keys):
        return [checks.Error("CASEWORK_FIELD_KEYS lists a key twice.", id="casework.E002")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    keys = list(getattr(settings, "CASEWORK_FIELD_KEYS", []))
    if crypto.development_key(settings.SECRET_KEY) in keys:
        return [
            checks.Error(
                "CASEWORK_FIELD_KEYS holds the development key derived from SECRET_KEY.",
                hint="Generate one with `manage.py rotate_field_keys --new-key` and keep it outside the database.",
                id="casework.E003",
            )
        ]
    return []

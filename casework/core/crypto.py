"""Field encryption at rest: the keys, and one encrypt/decrypt pair used by `core.fields`.

The keys come from the environment (`CASEWORK_FIELD_KEYS`, comma-separated Fernet keys), never from
the database: a dump of the database alone does not reveal the highly sensitive (L3) values. The first
key encrypts; every key decrypts (MultiFernet), so a new key can be put first and the old rows
re-encrypted with `manage.py rotate_field_keys` while the application keeps running.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Stored values start with this marker: rows written before encryption (plain text) are told apart
# from ciphertext, and the data migration and the rotation command know what to re-encrypt.
PREFIX = "enc1:"


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: for DEBUG and tests only (settings refuse it otherwise)."""
    digest = hashlib.sha256(b"casework-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_keys(value: str) -> list[str]:
    """The keys of a comma-separated setting, each checked to be a valid Fernet key."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured("CASEWORK_FIELD_KEYS holds a value that is not a Fernet key.") from error
    return keys


@cache
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    if not keys:
        raise ImproperlyConfigured("No field encryption key: set CASEWORK_FIELD_KEYS.")
    fernets = [Fernet(key) for key in keys]
    return fernets[0], MultiFernet(fernets)


def _keys() -> tuple[str, ...]:
    return tuple(settings.CASEWORK_FIELD_KEYS)


def encrypt(plaintext: str) -> str:
    """Ciphertext of `plaintext` under the first key; the empty string stays empty (see docs/security.md)."""
    if plaintext == "":
        return ""
    _, multi = _fernets(_keys())
    return PREFIX + multi.encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    """The plaintext of a stored value; values without the marker are plain text from before encryption.

    A value with the marker that no configured key opens raises InvalidToken: a missing key must be
    loud, never shown as ciphertext or as an empty field.
    """
    if not stored.startswith(PREFIX):
        return stored
    _, multi = _fernets(_keys())
    return multi.decrypt(stored[len(PREFIX) :].encode()).decode()


def is_current(stored: str) -> bool:
    """True if `stored` is empty or already encrypted under the first key (nothing to re-encrypt)."""
    if stored == "":
        return True
    if not stored.startswith(PREFIX):
        return False
    primary, _ = _fernets(_keys())
    try:
        primary.decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def new_key() -> str:
    """A fresh random Fernet key (for `rotate_field_keys --new-key`)."""
    return Fernet.generate_key().decode()

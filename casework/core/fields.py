"""Model fields whose values are encrypted at rest (see `core.crypto` and docs/security.md).

Use them for highly sensitive (L3) free text and results. The value is encrypted when written and
decrypted when read, in the model's table and in its django-simple-history copy (which copies the
field type). Ciphertext is random: such a field cannot be searched, ordered or compared in SQL; only
`isnull` and "is empty" (`field=""`) are allowed, since empty values are stored empty.
"""

from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from casework.core import crypto


class EncryptedExact(Exact):
    """`field=""` only: any other value would be compared with random ciphertext and never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.field.name} is encrypted: it can only be compared with the empty string.")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A TextField stored as Fernet ciphertext (empty values stay empty)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedTextField):
    """A one-line encrypted value (a text column in the database: ciphertext is longer than the value).

    `max_length` and `choices` apply to the plaintext, in forms and in `full_clean()`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs: Any) -> Any:
        if not self.choices:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


# Plain values a yes/no column held before it was encrypted (PostgreSQL casts to 'true'/'false', SQLite keeps 1/0).
_TRUE_TEXT = frozenset({"1", "t", "true", "True"})


class EncryptedBooleanField(EncryptedTextField):
    """A yes/no stored as ciphertext of "1" or "0": a dump does not tell which rows are flagged.

    Not filterable in SQL (see the module docstring): use it only for a flag nothing filters on.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        return str(value) in _TRUE_TEXT or str(value).lower() == "on"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        plaintext = super().from_db_value(value, expression, connection)
        return None if plaintext is None else plaintext in _TRUE_TEXT

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt("1" if self.to_python(value) else "0")

    def formfield(self, **kwargs: Any) -> Any:
        defaults = {"form_class": forms.BooleanField, "required": False}
        defaults.update(kwargs)
        # Skip TextField.formfield (a textarea with max_length): a checkbox.
        return models.Field.formfield(self, **defaults)

"""Edit pages with optimistic concurrency: what another user changed since the form was built, as the user reads it.

A form carries the `updated_at` it was built from (its *version*). When a save finds a newer version,
the page lists the fields changed since (from the django-simple-history table, with the current values,
fields hidden from the user left out) and keeps the user's input rebased on the current version.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.core.sensitivity import hidden_fields_for


def display_value(record: models.Model, name: str) -> str:
    """A field's value as a caseworker reads it (labels of choices, names of States, users, local dates)."""
    model_field = record._meta.get_field(name)
    value = getattr(record, name)
    if value in (None, "") or (isinstance(model_field, models.FileField) and not value):
        return "—"
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if hasattr(value, "get_username"):
        return value.get_username()
    if hasattr(value, "name") and hasattr(value, "code"):  # a country
        return str(value.name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.FileField):
        return _("attached")
    return str(value)


def changes_since(record: Any, *, updated_at: datetime, fields: Iterable[models.Field]) -> list[str] | None:
    """Names of `fields` whose value differs from the record's version saved at `updated_at`.

    None when that version is not in the history (the caller falls back to what the service
    reported). One query on the history table.
    """
    version = record.history.filter(updated_at=updated_at).order_by("-history_id").first()
    if version is None:
        return None
    return [field.name for field in fields if getattr(version, field.attname) != getattr(record, field.attname)]


def conflict_rows(record: models.Model, changed: Iterable[str], *, user: Any) -> list[tuple[Any, str]]:
    """(field label, current value) of each changed field the user may read."""
    hidden = hidden_fields_for(user, type(record))
    return [
        (record._meta.get_field(name).verbose_name, display_value(record, name))
        for name in changed
        if name not in hidden
    ]


def rebased_data(data: Any, current: models.Model, *, version_key: str = "version") -> Any:
    """A copy of the posted data whose version is the current one: submitting it again replaces the others' changes."""
    rebased = data.copy()
    rebased[version_key] = current.updated_at.isoformat()
    return rebased

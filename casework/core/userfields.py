"""The foreign keys to a user that models declare again and again: who recorded, acted, decided or was assigned.

Each points at `settings.AUTH_USER_MODEL`, is optional (null and blank) unless `required`, protects the
user from deletion unless told otherwise, and is not reached back from the user (related_name "+")
unless named. The field is the same as the one written out by hand, so using it needs no migration.
"""

from typing import Any

from django.conf import settings
from django.db import models


def user_fk(
    verbose_name: Any = None,
    *,
    required: bool = False,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    **options: Any,
) -> models.ForeignKey:
    """A user named by the row (an actor, a decider, a recipient); `options` go to the ForeignKey as given."""
    if not required:
        options.setdefault("null", True)
        options.setdefault("blank", True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name, **options
    )


def recorded_by_fk(verbose_name: Any) -> models.ForeignKey:
    """Who recorded the row: stamped by the service that wrote it, not editable, emptied if the user goes.

    The label is required: the admin and the record pages show who recorded the row, in the page's language."""
    return user_fk(verbose_name, on_delete=models.SET_NULL, editable=False)

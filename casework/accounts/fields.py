"""The foreign key to the organisation that owns a row, as every organisation-owned model declares it.

The owner is the row's access scope (`casework.core.querysets.OrganisationScopedQuerySet`). The field is
the same as the one written out by hand, so using it needs no migration.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


def organisation_fk(related_name: str = "+", *, on_delete: Any = models.PROTECT, **options: Any) -> models.ForeignKey:
    """The organisation that owns the row; deleting an organisation with rows is refused unless told otherwise."""
    return models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def override_organisation_fk(related_name: str, help_text: Any) -> models.ForeignKey:
    """The organisation of a rule or reading that may also be shared: empty on a shared default seen by every
    organisation, set on an organisation's own override (see `SharedDefaultsQuerySet`); goes with it."""
    return organisation_fk(related_name, on_delete=models.CASCADE, null=True, blank=True, help_text=help_text)

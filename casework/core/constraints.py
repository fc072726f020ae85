"""Check constraints that several models declare alike."""

from django.db import models
from django.db.models import F, Q


def dates_in_order(
    earlier: str, later: str, *, name: str, earlier_may_be_empty: bool = False
) -> models.CheckConstraint:
    """The date `later` is empty or not before `earlier` (an end after its start, an expiry after the issue)."""
    condition = Q(**{f"{later}__isnull": True})
    if earlier_may_be_empty:
        condition = condition | Q(**{f"{earlier}__isnull": True})
    return models.CheckConstraint(condition=condition | Q(**{f"{later}__gte": F(earlier)}), name=name)

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


def dated_period(owner: str, *, prefix: str) -> list[models.BaseConstraint]:
    """The rules of a period from `start_date` to `end_date` (empty while it lasts) held by `owner`: it does
    not end before it starts, and the owner has at most one open period."""
    return [
        dates_in_order("start_date", "end_date", name=f"{prefix}_dates_ordered"),
        models.UniqueConstraint(
            fields=[owner], condition=Q(end_date__isnull=True), name=f"{prefix}_one_open_per_{owner}"
        ),
    ]

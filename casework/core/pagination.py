"""Keyset ("seek") pagination: pages that stay fast however deep the user goes.

`OFFSET 25000` makes the database read and throw away 25,000 rows; a keyset page instead asks
for the rows *after* (or *before*) the boundary row of the previous page in a unique ordering,
which an index answers directly.

The cursor in the URL carries only the boundary row's `public_id` and a direction, never the
sort values themselves: sorting by name would otherwise put names in URLs, logs and history.
The sort values of the boundary row are read by scalar subqueries inside the page query, so a
page costs one query. If the boundary row has gone (deleted, or moved out of scope), the page
is empty and the template offers the first page.
"""

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, Subquery

FORWARD = "n"
BACKWARD = "p"
LAST = "last"


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (`n`) or before (`p`) the row with `public_id`, or the last page."""

    direction: str
    public_id: uuid.UUID | None = None

    def encode(self) -> str:
        if self.direction == LAST:
            return LAST
        raw = f"{self.direction}{self.public_id.hex}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> "Cursor | None":
        """The cursor in `value`, or None (first page) if it is missing or malformed."""
        if not value:
            return None
        if value == LAST:
            return cls(LAST)
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            direction, public_id = raw[0], uuid.UUID(hex=raw[1:])
        except (ValueError, binascii.Error, IndexError, UnicodeDecodeError):
            return None
        if direction not in (FORWARD, BACKWARD):
            return None
        return cls(direction, public_id)


@dataclass
class KeysetPage:
    """One page of rows and the cursors of its neighbours (None when there is no such page)."""

    object_list: list[Any]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


class KeysetPaginator:
    """Paginate `queryset` in `ordering`, whose last key must be unique (e.g. `("-updated_at", "id")`).

    Ordering keys are field names or annotation names of `queryset`, optionally prefixed with
    `-`; none of them may be NULL (wrap nullable columns in `Coalesce`). `boundary_queryset` is
    where boundary rows are looked up by `public_id`: the user's scoped queryset with the same
    annotations but without the list's filters, so that a row edited out of the filter still
    marks a position.
    """

    def __init__(
        self,
        queryset: models.QuerySet,
        ordering: Sequence[str],
        per_page: int,
        *,
        boundary_queryset: models.QuerySet | None = None,
    ) -> None:
        if not ordering:
            raise ValueError("KeysetPaginator needs an ordering ending with a unique key")
        self.queryset = queryset
        self.keys = [(key.removeprefix("-"), key.startswith("-")) for key in ordering]
        self.per_page = per_page
        self.boundary_queryset = boundary_queryset if boundary_queryset is not None else queryset

    def _boundary_value(self, name: str, public_id: uuid.UUID) -> Subquery:
        return Subquery(self.boundary_queryset.order_by().filter(public_id=public_id).values(name)[:1])

    def _seek(self, cursor: Cursor) -> Q:
        """Rows strictly after (forward) or before (backward) the boundary row in the ordering.

        (a, b, id) > (x, y, z) is spelt a > x OR (a = x AND (b > y OR (b = y AND id > z))),
        which also works for mixed directions; the redundant leading `a >= x` gives an index a
        range to start from.
        """
        forward = cursor.direction == FORWARD
        condition = Q()
        for index in range(len(self.keys) - 1, -1, -1):
            name, descending = self.keys[index]
            value = self._boundary_value(name, cursor.public_id)
            lookup = "gt" if forward != descending else "lt"
            strict = Q(**{f"{name}__{lookup}": value})
            condition = strict if index == len(self.keys) - 1 else strict | (Q(**{name: value}) & condition)
        first_name, first_descending = self.keys[0]
        first_lookup = "gte" if forward != first_descending else "lte"
        return Q(**{f"{first_name}__{first_lookup}": self._boundary_value(first_name, cursor.public_id)}) & condition

    def _order_by(self, *, reverse: bool) -> list[str]:
        return [f"{'-' if descending != reverse else ''}{name}" for name, descending in self.keys]

    def page(self, cursor: Cursor | str | None) -> KeysetPage:
        """The page at `cursor` (an encoded string, a Cursor, or None for the first page)."""
        if isinstance(cursor, str) or cursor is None:
            cursor = Cursor.decode(cursor)
        backward = cursor is not None and cursor.direction in (BACKWARD, LAST)
        queryset = self.queryset
        if cursor is not None and cursor.direction != LAST:
            queryset = queryset.filter(self._seek(cursor))
        # One row more than a page tells whether there is a further page in this direction.
        rows = list(queryset.order_by(*self._order_by(reverse=backward))[: self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if backward:
            rows.reverse()
        if not rows:
            return KeysetPage(object_list=[], next_cursor=None, previous_cursor=None, is_first=cursor is None)
        first, last = rows[0], rows[-1]
        if backward:
            has_previous = more
            # Coming back from a later page (or the last page): the rows after this page exist,
            # except on the last page itself.
            has_next = cursor.direction == BACKWARD
        else:
            has_previous = cursor is not None
            has_next = more
        return KeysetPage(
            object_list=rows,
            next_cursor=Cursor(FORWARD, last.public_id).encode() if has_next else None,
            previous_cursor=Cursor(BACKWARD, first.public_id).encode() if has_previous else None,
            is_first=not has_previous,
        )

"""The dry run's checked rows: one row's outcome (`RowResult`) and the whole file's, held compactly
(`RowStore`) until the dry run stores them as `ImportRow`s.

A whole file's rows as Python objects (a dict of values per row, lists of errors, changes…) would be
the dry run's largest structure (about 130 MB at 100,000 rows). The rows are checked a chunk at a time
and each checked chunk is kept as compressed JSON, the very values `ImportRow` stores as JSON: a few
megabytes for 100,000 rows. What the whole-file checks add later (family-link errors, possible
duplicates) is merged in when the rows are stored, a chunk at a time.
"""

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from casework.imports.choices import RowAction
from casework.imports.duplicates import Duplicates


@dataclass(slots=True)
class RowResult:
    number: int
    action: str = RowAction.CREATE
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    duplicates: Duplicates | None = None
    person_id: int | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": str(message)})


# zlib's fastest level: the rows' JSON shrinks about fourfold, at a few milliseconds per chunk.
_LEVEL = 1


class RowStore:
    """The checked rows of a file, a chunk at a time, as compressed JSON (in file order)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.count = 0

    def add(self, rows: list[RowResult]) -> None:
        """Keep a checked chunk (its rows' duplicates are not kept: they are found for the whole file later)."""
        if not rows:
            return
        records = [
            [row.number, str(row.action), row.values, row.errors, row.warnings, row.changes, row.person_id]
            for row in rows
        ]
        text = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
        self._chunks.append(zlib.compress(text.encode(), _LEVEL))
        self.count += len(rows)

    def __len__(self) -> int:
        return self.count

    def chunks(self) -> Iterator[list[RowResult]]:
        """The rows again, a chunk at a time (each chunk's JSON is dropped once it is read)."""
        for index, data in enumerate(self._chunks):
            records = json.loads(zlib.decompress(data))
            self._chunks[index] = b""
            yield [
                RowResult(
                    number=number,
                    action=action,
                    values=values,
                    errors=errors,
                    warnings=warnings,
                    changes=changes,
                    person_id=person_id,
                )
                for number, action, values, errors, warnings, changes, person_id in records
            ]
        self._chunks = []

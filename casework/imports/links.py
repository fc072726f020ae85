"""The dry run's family-link checks, on what they need of the whole file (gathered row by row, then checked
once every row is read): a family link must point to another row of the file (by its external reference),
a person of an earlier import of the same source or an existing case number; a child cannot be born
before their listed mother was 12.

Only the references and birth dates are kept per row (not the rows themselves), so that the checked rows
can be stored a chunk at a time (`casework.imports.rows.RowStore`).
"""

import sys
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from casework.imports import mapping as m
from casework.people.models import Person

# Minimum age of a mother at a child's birth below which the dates are impossible.
MIN_MOTHER_AGE = 12
_LINK_KEYS = tuple(m.LINK_FIELDS)


def birth_earliest(values: dict[str, Any]) -> date | None:
    text = values.get("birth_date_earliest") or values.get("birth_date")
    return date.fromisoformat(text) if text else None


def birth_latest(values: dict[str, Any]) -> date | None:
    text = values.get("birth_date_latest") or values.get("birth_date")
    return date.fromisoformat(text) if text else None


def _ordinal(day: date | None) -> int:
    return day.toordinal() if day else 0


class LinkIndex:
    """The file's external references and family links, row by row (`add`), checked at the end (`errors`)."""

    def __init__(self) -> None:
        # External reference → (row number, earliest birth date as an ordinal, 0 if unknown); a reference
        # given twice names its last row, as a dict of the rows would.
        self.refs: dict[str, tuple[int, int]] = {}
        # (row number, link key index, reference, the row names itself, latest birth date as an ordinal).
        self.links: list[tuple[int, int, str, bool, int]] = []

    def add(self, number: int, values: dict[str, Any]) -> None:
        own = values.get("external_ref")
        if own:
            # Interned: a reference is held once, whether as a row's own or as a link to it.
            own = sys.intern(own)
            self.refs[own] = (number, _ordinal(birth_earliest(values)))
        for index, key in enumerate(_LINK_KEYS):
            reference = values.get(key)
            if reference:
                self.links.append(
                    (number, index, sys.intern(reference), reference == own, _ordinal(birth_latest(values)))
                )

    def errors(self, labels: dict[str, str], organisation_id: int, external: dict[str, int]) -> dict[int, list[dict]]:
        """{row number: its link errors} (a thousand unknown references per case-number query). Empties the
        index: it is checked once."""
        refs, links = self.refs, self.links
        self.refs, self.links = {}, []
        wanted = {reference for _n, _k, reference, _own, _born in links}
        unknown = sorted(wanted - refs.keys() - external.keys())
        by_case_number: set[str] = set()
        for start in range(0, len(unknown), 1000):
            by_case_number.update(
                Person.objects.filter(
                    organisation_id=organisation_id, case_number__in=unknown[start : start + 1000]
                ).values_list("case_number", flat=True)
            )
        found: dict[int, list[dict]] = {}

        def error(number: int, column: str, message: str) -> None:
            found.setdefault(number, []).append({"column": column, "message": str(message)})

        # Key by key, each in file order: a row's errors come in the order of the link columns.
        for index, key in enumerate(_LINK_KEYS):
            for number, link_index, reference, own, born_child in links:
                if link_index != index:
                    continue
                if own:
                    error(number, labels[key], _("A person cannot be their own relative."))
                    continue
                if reference not in refs and reference not in external and reference not in by_case_number:
                    error(
                        number,
                        labels[key],
                        _("No row with the reference “%(value)s” and no person with that case number.")
                        % {"value": reference},
                    )
                    continue
                if key == "mother" and reference in refs:
                    mother_number, born_mother = refs[reference]
                    if born_mother and born_child:
                        mother = date.fromordinal(born_mother)
                        if born_child < mother.replace(year=mother.year + MIN_MOTHER_AGE).toordinal():
                            error(
                                number,
                                labels.get("birth_date", labels[key]),
                                _("This child would have been born before their mother (row %(row)s) was %(age)s.")
                                % {"row": mother_number, "age": MIN_MOTHER_AGE},
                            )
        return found

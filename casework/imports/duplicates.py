"""Possible duplicates of the rows of an import, against the organisation's persons and within the file.

TODO(#10): switch `find_duplicates` to the identity matcher (`casework.matching`) once it is merged; until
then a possible duplicate is a person or row with exactly the same normalised full name in one script
(`casework.people.names.normalise_name`), and, when both have one, a birth year no more than two years apart.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from casework.people.models import Person
from casework.people.names import join_parts, normalise_name

NAME_PARTS = ("given_name", "father_name", "grandfather_name", "family_name")
# Persons are read in batches of this size (one query each): never one query per row.
CHUNK = 5000
# Other rows listed per row: a name shared by hundreds of rows would otherwise cost the square of that.
MAX_LISTED = 20


@dataclass(frozen=True)
class Candidate:
    """One row to check: its number, its normalised full names (Latin, Arabic) and birth year if known."""

    number: int
    name_lat: str
    name_ar: str
    birth_year: int | None = None
    # The person the row will update (not its own duplicate).
    person_id: int | None = None


@dataclass
class Duplicates:
    persons: list[dict] = field(default_factory=list)  # [{"id": pk, "case_number": ...}]
    rows: list[int] = field(default_factory=list)


def _near(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= 2


def find_duplicates(rows: Iterable[Candidate], organisation_id: int) -> dict[int, Duplicates]:
    """{row number: its possible duplicates} for the rows that have any (set-based: one query per CHUNK persons)."""
    rows = list(rows)
    by_key: dict[str, list[Candidate]] = defaultdict(list)
    for row in rows:
        for key in {row.name_lat and f"l:{row.name_lat}", row.name_ar and f"a:{row.name_ar}"} - {""}:
            by_key[key].append(row)
    found: dict[int, Duplicates] = defaultdict(Duplicates)
    # Within the file.
    for group in by_key.values():
        for row in group:
            for other in group:
                known = found[row.number].rows
                if len(known) >= MAX_LISTED:
                    break
                if other.number != row.number and other.number not in known and _near(row.birth_year, other.birth_year):
                    known.append(other.number)
    # Against the organisation's persons.
    fields = [
        "pk",
        "case_number",
        "birth_date_earliest",
        *(f"{p}_lat" for p in NAME_PARTS),
        *(f"{p}_ar" for p in NAME_PARTS),
    ]
    persons = Person.objects.live().filter(organisation_id=organisation_id).order_by("pk").values_list(*fields)
    last_pk = 0
    while True:
        chunk = list(persons.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1][0]
        for pk, case_number, earliest, *names in chunk:
            year = earliest.year if earliest else None
            keys = (f"l:{normalise_name(join_parts(*names[:4]))}", f"a:{normalise_name(join_parts(*names[4:]))}")
            for key in keys:
                for row in by_key.get(key, ()):
                    if row.person_id != pk and _near(row.birth_year, year):
                        entry = {"id": pk, "case_number": case_number}
                        if entry not in found[row.number].persons:
                            found[row.number].persons.append(entry)
    return {number: dup for number, dup in found.items() if dup.persons or dup.rows}

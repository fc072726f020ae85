"""Possible duplicates of the rows of an import, against the organisation's persons and within the file.

Built on the identity matcher's stored keys (`casework.matching`, `PersonNameKey`): a row's names give
the same keys `casework.people.names.record_keys` files for a person. A possible duplicate is a person
(or another row) sharing a *given name* key and a *father's or family name* key, in either script and in
any of the usual spellings (the "coarse" consonant-class keys the matcher blocks on), whose sex does not
conflict and whose birth year, when both are known, is no more than two years apart (estimated dates
widened). It is a suggestion for the user to settle, never a merge.

Set-based: the index is read for the file's keys, many keys per query (an array on PostgreSQL, streamed),
never one query per row; the persons found are read and compared with the rows a chunk at a time.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from casework.imports import sql
from casework.people.models import Person, PersonNameKey
from casework.people.names import NAME_PART_FIELDS, analyse_name

# Keys per query of the index and persons per query (with an IN list: an array takes `sql.ARRAY_CHUNK`).
CHUNK = 1000
# Persons and other rows listed per row: a name shared by hundreds of rows would otherwise cost the square of that.
MAX_LISTED = 20
BIRTH_YEARS_APART = 2
GIVEN_PARTS = frozenset({"given"})
# A pair of key numbers as one int: the given key's number shifted above the other key's.
_PAIR_SHIFT = 32
OTHER_PARTS = frozenset({"father", "family"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One row to check: its number, the coarse keys of its given names and of its father's/family names,
    its sex and birth years (earliest, latest) if known."""

    number: int
    given: tuple[str, ...]
    other: tuple[str, ...]
    sex: str = ""
    born: tuple[int, int] | None = None
    # The person the row will update (not its own duplicate).
    person_id: int | None = None


@dataclass(slots=True)
class Duplicates:
    # (pk, case number) pairs: tuples, not dicts, while a whole file's duplicates are in memory.
    persons: list[tuple[int, str]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.persons or self.rows)

    def as_json(self) -> dict:
        """What `ImportRow.duplicates` stores: {"persons": [{"id", "case_number"}], "rows": [numbers]}."""
        return {"persons": [{"id": pk, "case_number": case} for pk, case in self.persons], "rows": self.rows}


def candidate_keys(keys: Iterable[tuple[str, str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(given keys, father's/family name keys) among a record's (part, kind, key) index rows."""
    given, other = set(), set()
    for part, kind, key in keys:
        if kind == "coarse":
            if part in GIVEN_PARTS:
                given.add(key)
            elif part in OTHER_PARTS:
                other.add(key)
    # Tuples, not sets: a whole file's candidates are in memory at once.
    return tuple(sorted(given)), tuple(sorted(other))


# (key set, name fields of that part in both scripts) for the parts a duplicate search compares.
_CANDIDATE_FIELDS = tuple(
    (part in GIVEN_PARTS, tuple(f"{name}_{script}" for script in ("lat", "ar")))
    for part, name in NAME_PART_FIELDS
    if part in GIVEN_PARTS or part in OTHER_PARTS
)


def row_candidate_keys(values: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`candidate_keys(record_keys(values, aliases))` of a row's names, computed directly: only the coarse
    keys of the given, father's and family names (those a duplicate search compares), not every index
    key of every part and alias."""
    given: set[str] = set()
    other: set[str] = set()
    for is_given, fields in _CANDIDATE_FIELDS:
        target = given if is_given else other
        for name in fields:
            for token in analyse_name(values.get(name, "") or ""):
                if token.kind == "name":  # other tokens (kunyas) are filed under their own part
                    target.update(form.coarse_key[:64] for form in token.forms())
    return tuple(sorted(given)), tuple(sorted(other))


def _sex_agrees(a: str, b: str) -> bool:
    return a in ("", "unknown") or b in ("", "unknown") or a == b


def _born_near(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    if a is None or b is None:
        return True
    return a[0] - BIRTH_YEARS_APART <= b[1] and b[0] - BIRTH_YEARS_APART <= a[1]


def _agree(row: Candidate, other_sex: str, other_born: tuple[int, int] | None) -> bool:
    return _sex_agrees(row.sex, other_sex) and _born_near(row.born, other_born)


def find_duplicates(rows: Iterable[Candidate], organisation_id: int) -> dict[int, Duplicates]:
    """{row number: its possible duplicates} for the rows that have any."""
    # The rows of each (given key, other key) pair: the largest structure of a dry run, so compact: a pair
    # is one int (the keys numbered), and a pair only one row has (most of them) maps to that row itself.
    numbered: dict[str, int] = {}
    by_pair: dict[int, Candidate | list[Candidate]] = {}
    given_keys: set[str] = set()
    other_keys: set[str] = set()
    for row in rows:
        given_keys.update(row.given)
        other_keys.update(row.other)
        others = [numbered.setdefault(o, len(numbered)) for o in row.other]
        for g in row.given:
            high = numbered.setdefault(g, len(numbered)) << _PAIR_SHIFT
            for o in others:
                held = by_pair.setdefault(high | o, row)
                if held is not row:
                    if isinstance(held, list):
                        held.append(row)
                    else:
                        by_pair[high | o] = [held, row]
    found: dict[int, Duplicates] = defaultdict(Duplicates)

    def rows_of(g: str, o: str) -> Iterable[Candidate]:
        held = by_pair.get((numbered[g] << _PAIR_SHIFT) | numbered[o])
        return () if held is None else held if isinstance(held, list) else (held,)

    # Within the file.
    for group in by_pair.values():
        if not isinstance(group, list):
            continue
        for row in group:
            known = found[row.number].rows
            for other in group:
                if len(known) >= MAX_LISTED:
                    break
                if other.number != row.number and other.number not in known and _agree(row, other.sex, other.born):
                    known.append(other.number)

    # Against the organisation's persons: their index rows for the file's keys (streamed, many keys per
    # query), then the persons holding both a given-name and a father's/family-name key of the file, a
    # chunk at a time, each compared with the rows sharing a pair. Nothing whole-file but the keys.
    index = PersonNameKey.objects.filter(organisation_id=organisation_id, kind="coarse")
    given_of: dict[int, set[str]] = defaultdict(set)
    other_of: dict[int, set[str]] = defaultdict(set)
    for parts, keys, target in ((GIVEN_PARTS, given_keys, given_of), (OTHER_PARTS, other_keys, other_of)):
        for chunk in sql.chunks(sorted(keys), CHUNK):
            found_keys = index.filter(sql.any_of("key", chunk), part__in=parts).values_list("person_id", "key")
            for person_id, key in found_keys.iterator(chunk_size=10 * CHUNK):
                if target is given_of or person_id in given_of:
                    target[person_id].add(key)
    for chunk in sql.chunks(sorted(other_of), CHUNK):
        for pk, case_number, sex, earliest, latest in (
            Person.objects.live()
            .filter(sql.any_of("pk", chunk))
            .values_list("pk", "case_number", "sex", "birth_date_earliest", "birth_date_latest")
        ):
            born = (earliest.year, (latest or earliest).year) if earliest else None
            entry = (pk, case_number)  # one tuple per person, however many rows list it
            seen: set[int] = set()
            for g in given_of[pk]:
                for o in other_of[pk]:
                    for row in rows_of(g, o):
                        if row.number in seen:
                            continue
                        seen.add(row.number)
                        persons = found[row.number].persons
                        if row.person_id != pk and len(persons) < MAX_LISTED and _agree(row, sex, born):
                            persons.append(entry)
    return {number: dup for number, dup in found.items() if dup}

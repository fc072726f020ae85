"""Indistinguishable namesakes for bench/matching.py: persons whose recorded name fits a query as well as its target.

A query names some parts of a person (all four, or given and family name only, or given name and
kunya). Another person of the same sex whose recorded parts are *the same names* (same Arabic name,
whatever the Latin spelling), for every part the query names, is an indistinguishable namesake: no
matcher can tell from the name alone which of the two the caseworker means. A record that leaves
out the father's or grandfather's name the query gives is compatible too (a missing part is not a
conflict). Decided from the demo name material alone, never with the matcher.

The bench reports its figures twice: strictly (only the target counts) and with namesakes counted
as right answers (the top candidate is the target or one of its namesakes; a confuser's top
candidate is wrong only when it is not a namesake of the altered name).
"""

from collections import defaultdict
from dataclasses import dataclass

OPTIONAL = ("father", "grandfather")  # may be missing from a record that is still compatible
PARTS = ("given", "father", "grandfather", "family")


def _canonical_table() -> dict[str, str]:
    """Latin spelling (lower case) → the Arabic name it spells, for every name of the material."""
    from casework.demo import names

    entries = list(names.FEMALE_ARABIC) + list(names.MALE_ARABIC)
    entries += [entry for style in names.FAMILY_ARABIC.values() for entry in style]
    table: dict[str, str] = {}
    for arabic, spellings in entries:
        table.setdefault(arabic, arabic)
        for spelling in spellings:
            table.setdefault(spelling.lower(), arabic)
    for arabic, spelling in names.FRENCH_SPELLING.items():
        table.setdefault(spelling.lower(), arabic)
    return table


@dataclass
class Record:
    pk: int
    sex: str
    birth_year: int | None
    parts: dict[str, str]  # part → canonical name ("" when not recorded)
    kunyas: frozenset[str]  # canonical names after Umm/Abu


class Namesakes:
    """The persons of one organisation by canonical name, to find the namesakes of a query."""

    def __init__(self, organisation) -> None:
        from casework.people.choices import AliasKind
        from casework.people.models import Alias, Person

        self.table = _canonical_table()
        fields = [f"{part}_name_{script}" for part in PARTS for script in ("ar", "lat")]
        kunyas: dict[int, set[str]] = defaultdict(set)
        aliases = Alias.objects.filter(person__organisation=organisation, kind=AliasKind.KUNYA)
        for person_id, name in aliases.values_list("person_id", "name"):
            words = name.split(None, 1)
            if len(words) == 2:
                kunyas[person_id].add(self.canonical(words[1]))
        self.by_given_family: dict[tuple, list[Record]] = defaultdict(list)
        self.by_given: dict[tuple, list[Record]] = defaultdict(list)
        rows = Person.objects.filter(organisation=organisation).values_list("pk", "sex", "birth_date_earliest", *fields)
        for pk, sex, born, *names in rows:
            parts = {}
            for i, part in enumerate(PARTS):
                arabic, latin = names[2 * i], names[2 * i + 1]
                parts[part] = arabic.strip() if arabic.strip() else self.canonical(latin)
            record = Record(pk, sex, born.year if born else None, parts, frozenset(kunyas.get(pk, ())))
            self.by_given_family[sex, parts["given"], parts["family"]].append(record)
            if record.kunyas:
                self.by_given[sex, parts["given"]].append(record)

    def canonical(self, latin: str) -> str:
        text = latin.strip()
        return self.table.get(text.lower(), text.lower()) if text else ""

    def of(
        self,
        *,
        target_id: int,
        sex: str,
        named: dict[str, str],
        kunya: str | None = None,
        birth_year: int | None = None,
        exact: bool = False,
    ) -> set[int]:
        """Persons other than the target whose recorded names fit `named` (part → Arabic name) as well.

        With `birth_year`, only those born within two years of it (they would stay indistinguishable
        even with sex and birth year in the query). With `exact`, only those who record every part
        `named` gives (a record without one fits a little worse than the target, so it is no tie).
        """
        if kunya is not None:
            pool = [r for r in self.by_given.get((sex, named["given"]), ()) if kunya in r.kunyas]
        else:
            pool = self.by_given_family.get((sex, named.get("given", ""), named.get("family", "")), ())
        found = set()
        for record in pool:
            if record.pk == target_id:
                continue
            if birth_year is not None and (record.birth_year is None or abs(record.birth_year - birth_year) > 2):
                continue
            if all(
                record.parts[part] == value or (not exact and part in OPTIONAL and not record.parts[part])
                for part, value in named.items()
            ):
                found.add(record.pk)
        return found

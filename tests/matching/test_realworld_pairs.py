"""rank_candidates on real-world transliteration pairs (tests/matching/realworld_pairs.py): recall and confusers.

Each pair's record (its Arabic form, or the first Latin form) is registered as a person among the
other records of the set; every third record also has a *confuser*, the same person with the given or
the father's name changed to a different real name (a look-alike where one is listed). Each pair's
other form is then the query, name only (no sex, no birth year). The test asserts floors slightly
under what was measured, so that it fails when the matcher regresses on these conventions.

Set `REALWORLD_PAIRS_REPORT=1` and run with `-s` to print the figures and every miss.
"""

import os
from dataclasses import dataclass, field
from datetime import date

import pytest

from casework.matching.selectors import rank_candidates
from casework.people.choices import AliasKind, DatePrecision, Script, Sex
from casework.people.models import Alias, Person
from casework.people.namekeys import person_name_keys_rebuild
from casework.people.names import analyse_name
from tests import factories
from tests.matching.realworld_pairs import Pair, lookalikes, pairs

pytestmark = pytest.mark.django_db

PARTS = ("given", "father", "grandfather", "family")
CONFUSER_EVERY = 3  # one record in three has a look-alike neighbour


def _confuser_parts(pair: Pair, index: int, every: list[Pair], table: dict[str, str]) -> tuple[str, ...]:
    """The record's parts with the given (or else the father's) name changed to a different real name."""
    parts = list(pair.parts)
    # A query of two names (given and family) says nothing of the father: only its given name can differ.
    positions = (0, 1) if len([t for t in analyse_name(pair.query) if t.kind == "name"]) >= 3 else (0,)
    for position in positions:
        if parts[position] in table:
            parts[position] = table[parts[position]]
            return tuple(parts)
    # No listed look-alike: the same part of another record of the same script and sex, a different name.
    position = positions[-1]
    for other in every[index + 1 :] + every[:index]:
        same_kind = other.script == pair.script and other.sex == pair.sex
        if same_kind and other.parts[position] and other.parts[position] not in (parts[0], parts[1]):
            parts[position] = other.parts[position]
            return tuple(parts)
    raise AssertionError(pair)


def _register(org, parts: tuple[str, ...], pair: Pair) -> Person:
    suffix = "ar" if pair.script == "ar" else "lat"
    names = {f"{part}_name_{suffix}": value for part, value in zip(PARTS, parts, strict=True)}
    person = factories.PersonFactory(
        organisation=org,
        **{
            **factories.NO_NAMES,
            "sex": Sex.FEMALE if pair.sex == "F" else Sex.MALE,
            "birth_date": date(1990, 1, 1),
            "birth_date_precision": DatePrecision.YEAR,
            **names,
        },
    )
    if pair.kunya:
        Alias.objects.create(person=person, kind=AliasKind.KUNYA, name=pair.kunya, script=Script.ARABIC)
    return person


@dataclass
class Figures:
    positives: int = 0
    at_1: int = 0
    at_10: int = 0
    suggested_at_1: int = 0
    confusers: int = 0
    confusers_suggested: int = 0
    misses: list[str] = field(default_factory=list)
    confused: list[str] = field(default_factory=list)

    def share(self, n: int, of: int) -> float:
        return n / of if of else 0.0

    def rates(self, *, report_if: str) -> tuple[float, float, float, float]:
        """recall@1, recall@10, on top and suggested, confusers suggested; printed when $`report_if` is set."""
        recall_1 = self.share(self.at_1, self.positives)
        recall_10 = self.share(self.at_10, self.positives)
        suggested_1 = self.share(self.suggested_at_1, self.positives)
        confused = self.share(self.confusers_suggested, self.confusers)
        if os.environ.get(report_if):
            print(f"\npositives {self.positives}, confusers {self.confusers}")
            print(
                f"recall@1 {recall_1:.3f}  recall@10 {recall_10:.3f}  top+suggested {suggested_1:.3f}"
                f"  confusers suggested {confused:.3f}"
            )
            print(
                "\n".join(["misses (not on top and suggested):", *self.misses, "confusers suggested:", *self.confused])
            )
        return recall_1, recall_10, suggested_1, confused


def evaluate(org, user, every: list[Pair] | None = None, table: dict[str, str] | None = None) -> Figures:
    """Register every pair's record (and a confuser for one in three), query each pair's other form.

    `every` and `table` default to this set (realworld_pairs); tests/matching/test_formal_pairs.py
    passes its own."""
    every = pairs() if every is None else every
    table = lookalikes() if table is None else table
    targets = [_register(org, pair.parts, pair) for pair in every]
    confusers = {
        i: _register(org, _confuser_parts(pair, i, every, table), pair)
        for i, pair in enumerate(every)
        if i % CONFUSER_EVERY == 0
    }
    person_name_keys_rebuild(person_ids=[p.pk for p in [*targets, *confusers.values()]])
    figures = Figures()
    for i, (pair, target) in enumerate(zip(every, targets, strict=True)):
        found = rank_candidates(user=user, text=pair.query, limit=10)
        persons = [c.person for c in found]
        figures.positives += 1
        figures.at_1 += bool(persons) and persons[0] == target
        figures.at_10 += target in persons
        figures.suggested_at_1 += bool(persons) and persons[0] == target and found[0].suggested
        if not (persons and persons[0] == target and found[0].suggested):
            rank = persons.index(target) + 1 if target in persons else None
            score = next((c.score for c in found if c.person == target), None)
            top = (
                f"{(found[0].person.full_name_ar or found[0].person.full_name_lat)} {found[0].score}" if found else "-"
            )
            figures.misses.append(
                f"[{pair.tag}] {pair.query!r} → {'/'.join(pair.parts)}: rank {rank} score {score}; top {top}"
            )
        if i in confusers:
            figures.confusers += 1
            confuser = next((c for c in found if c.person == confusers[i]), None)
            if confuser is not None and confuser.suggested:
                figures.confusers_suggested += 1
                figures.confused.append(
                    f"[{pair.tag}] {pair.query!r} suggests {(confuser.person.full_name_ar or confuser.person.full_name_lat)} {confuser.score}"
                )
    return figures


def test_realworld_pairs_recall_and_confusers(org_a, caseworker_a):
    figures = evaluate(org_a, caseworker_a)
    recall_1, recall_10, suggested_1, confused = figures.rates(report_if="REALWORLD_PAIRS_REPORT")
    # Measured on 7 December 2026 (SQLite, 279 positives, 93 confusers): recall@1 0.996, recall@10 0.996,
    # on top and suggested 0.975, confusers suggested 0.000 (before the national readings of that day:
    # 0.925, 0.950, 0.763, 0.032). The misses left, known limits in docs/matching.md:
    #   not found on top and suggested: 'Siti Aisyah binti Ahmad' (the Malay title Siti), 'Zulkifli bin Osman'
    #   (ذو الكفل), 'Zainal Abidin bin Ismail' (-al joined), 'Gasim Abdulzahra Al-Saadi' (g for ق, or جاسم),
    #   'Faadumo Cali Cumar', 'Axmed Cismaan Yuusuf' (Somali Faadumo; s for ث) and, not found at all,
    #   'Maryan Xamse Cusmaan' (Somali Xamse for حمزة, Cusmaan).
    assert figures.positives >= 250
    assert figures.confusers >= 80
    assert recall_1 >= 0.98, figures.misses
    assert recall_10 >= 0.98, figures.misses
    assert suggested_1 >= 0.95, figures.misses
    assert confused <= 0.02, figures.confused

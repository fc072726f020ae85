"""The other readings of an unlisted Latin spelling (`casework.people.names.analysis._latin_readings`): the
documented examples of each convention, the order of the readings, and where a rule does not apply."""

import pytest

from casework.people.names.analysis import _latin_readings


@pytest.mark.parametrize(
    ("word", "readings"),
    [
        # French c before e/i/y is s; the spelling itself stays the Turkish dj reading.
        ("yacine", ["yasine"]),
        ("kacemi", ["kasemi"]),
        ("cemal", ["semal"]),
        ("cecile", ["sesile"]),  # every c before e/i/y
        # A final -at is a ta marbuta (from five letters on).
        ("hayat", ["haya"]),
        ("rahmat", ["rahma"]),
        # th, dh, zh between vowels may be two letters (the first such pair only).
        ("fathi", ["fat'hi"]),
        ("adham", ["ad'ham"]),
        ("azhar", ["az'har"]),
        ("fathitha", ["fat'hitha"]),
        # French ou before a vowel inside a word: a w, or u before an unwritten ʿayn or hamza.
        ("marouane", ["marou'ane"]),
        ("chouaib", ["chou'aib", "khouaib"]),  # and the German ch (a reading that names nobody here)
        ("souad", ["sou'ad"]),
        ("mouawiya", ["mou'awiya"]),
        # Several rules: in the order ou, c, -at, th.
        ("mouacine", ["mou'acine", "mouasine"]),
        ("fathiat", ["fathia", "fat'hiat"]),
        # German, Dutch and Scandinavian usage: ch for kh, j for y (Chalid, Jussuf); c in ch is never s.
        ("rachid", ["rakhid"]),
        ("michel", ["mikhel"]),
        ("khadija", ["khadiya"]),
        ("jussuf", ["yussuf"]),
    ],
)
def test_the_documented_conventions_give_these_readings(word, readings):
    assert _latin_readings(word) == readings


@pytest.mark.parametrize(
    "word",
    [
        "ouarda",  # ou at the start of the word
        "yat",  # -at, but shorter than five letters
        "hayatt",
        "ahmed",
        "najjar",  # a doubled j is English ج: no German reading
    ],
)
def test_no_rule_applies(word):
    assert _latin_readings(word) == []

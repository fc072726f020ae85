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
        ("chouaib", ["chou'aib"]),
        ("souad", ["sou'ad"]),
        ("mouawiya", ["mou'awiya"]),
        # Several rules: in the order ou, c, -at, th.
        ("mouacine", ["mou'acine", "mouasine"]),
        ("fathiat", ["fathia", "fat'hiat"]),
    ],
)
def test_the_documented_conventions_give_these_readings(word, readings):
    assert _latin_readings(word) == readings


@pytest.mark.parametrize(
    "word",
    [
        "ouarda",  # ou at the start of the word
        "rachid",  # c in ch
        "michel",  # c before e, but the word has a ch
        "yat",  # -at, but shorter than five letters
        "hayatt",
        "ahmed",
        "khadija",
    ],
)
def test_no_rule_applies(word):
    assert _latin_readings(word) == []

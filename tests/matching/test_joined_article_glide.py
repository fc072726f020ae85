"""A Latin article joined before w is not always an article: Alwan is علوان, Alwazir is الوزير (issue #10).

Before, `al`/`el` before w was taken out like before any consonant, so Alwan, Elwan and Alwani met
nothing of علوان / العلواني. Now the word is kept whole and the reading without the article is an
alternative, as before a vowel or y.
"""

import pytest

from tests.matching.token_match import GOOD, best


@pytest.mark.parametrize(
    ("query", "record"),
    [
        ("Alwan", "علوان"),
        ("Elwan", "علوان"),
        ("Alwani", "العلواني"),
        ("Alwazir", "الوزير"),
        ("Alwadi", "الوادي"),
        ("Elwadi", "الوادي"),
        ("Alnajjar", "النجار"),
    ],
)
def test_the_joined_article_before_w_is_read_both_ways(query, record):
    assert best(query, record) >= GOOD


@pytest.mark.parametrize(("query", "record"), [("Alwan", "علي"), ("Alwan", "رضوان"), ("Alwazir", "وليد")])
def test_other_names_stay_apart(query, record):
    assert best(query, record) < GOOD

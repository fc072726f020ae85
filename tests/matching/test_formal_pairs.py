"""rank_candidates on formal and official romanizations (tests/matching/formal_pairs.py): recall and confusers.

The same measure as tests/matching/test_realworld_pairs.py (its `evaluate`, on this set): each pair's
record is registered among the others, one in three with a look-alike confuser, and the other form is
the query, name only. Floors slightly under what was measured, so that the test fails when the matcher
regresses on these conventions.

Set `FORMAL_PAIRS_REPORT=1` and run with `-s` to print the figures and every miss.
"""

import pytest

from tests.matching.formal_pairs import lookalikes, pairs
from tests.matching.test_realworld_pairs import evaluate

pytestmark = pytest.mark.django_db


def test_formal_pairs_recall_and_confusers(org_a, caseworker_a):
    figures = evaluate(org_a, caseworker_a, pairs(), lookalikes())
    recall_1, recall_10, suggested_1, confused = figures.rates(report_if="FORMAL_PAIRS_REPORT")
    # Measured on 7 December 2026 (SQLite, 224 positives, 75 confusers): recall@1 1.000, recall@10 1.000,
    # on top and suggested 0.987, confusers suggested 0.013 (before the formal readings of that day, on 219
    # positives and 73 confusers: 0.986, 0.991, 0.872, 0.014). On top but not suggested, known limits in
    # docs/matching.md: 'Thiya Abdulkarim Samarrai' and 'Kathim Hussein Al-Kaabi' (th for ض/ظ),
    # 'Abdurrazzaq Muhammad ar-Rashid' (Rashid is رشيد). Confuser suggested: 'Ghanem Saeed Al-Marri' for
    # «غنام» (e read as a long a, and the doubled n of Ghannam that Arabic does not write).
    assert figures.positives >= 200
    assert figures.confusers >= 65
    assert recall_1 >= 0.98, figures.misses
    assert recall_10 >= 0.99, figures.misses
    assert suggested_1 >= 0.97, figures.misses
    assert confused <= 0.03, figures.confused

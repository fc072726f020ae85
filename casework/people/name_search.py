"""The plug point through which the pages of `people` use the matcher of `casework.matching`.

`matching` sits above `people` in the app order (it reads persons and their name keys), so `people`
may not import it. `MatchingConfig.ready()` hands its `rank_candidates` to `register_ranker`;
the person list, the intake duplicate check, every person picker and the person admin search call
`rank_persons`, and get the matcher's `Candidate`s (`person`, `score`, `suggested`, `reasons`).
See docs/matching.md.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Name searches give at most this many persons, best first (the matcher's own upper bound).
MAX_RESULTS = 100

_ranker: Callable[..., list[Any]] | None = None


def register_ranker(ranker: Callable[..., list[Any]]) -> None:
    """Called once, by `casework.matching.apps.MatchingConfig.ready`."""
    global _ranker
    _ranker = ranker


def rank_persons(
    *, user: Any, text: str, sex: str | None = None, birth_year: int | None = None, limit: int = 10
) -> list[Any]:
    """The visible persons whose name may be `text`, best first, as the matcher's Candidates."""
    if _ranker is None:
        raise ImproperlyConfigured("casework.matching must be in INSTALLED_APPS: it provides the name search.")
    return _ranker(user=user, text=text, sex=sex, birth_year=birth_year, limit=limit)

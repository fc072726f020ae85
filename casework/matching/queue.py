"""Reads of the duplicate review queue (the list, the counts on the home page, one pair)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from casework.matching.choices import PairStatus
from casework.matching.models import DuplicatePair


def pairs_for(*, user: Any, status: str = "to_review", min_score: Any = None, case_number: str = "") -> QuerySet:
    """The pairs the user may review, best first, narrowed by the list's filters."""
    pairs = DuplicatePair.objects.visible_to(user).select_related("person_a", "person_b", "decided_by")
    if status == "to_review":
        pairs = pairs.to_review()
    elif status in PairStatus.values:
        pairs = pairs.filter(status=status)
    if min_score is not None:
        pairs = pairs.filter(score__gte=float(min_score))
    prefix = case_number.strip().upper()
    if prefix:
        pairs = pairs.filter(Q(person_a__case_number__startswith=prefix) | Q(person_b__case_number__startswith=prefix))
    return pairs.order_by("-score", "pk")


def pairs_to_review_count(*, user: Any) -> int:
    return DuplicatePair.objects.visible_to(user).to_review().count()


def merge_url(pair: DuplicatePair) -> str | None:
    """The merge page for the pair's two records, when the merging app is installed."""
    try:
        url = reverse("merging:merge")
    except NoReverseMatch:
        return None
    return f"{url}?a={pair.person_a.public_id}&b={pair.person_b.public_id}"

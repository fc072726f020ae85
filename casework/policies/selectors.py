"""Reads of State policies.

The *current* policy of a State for an organisation on a day: the organisation's own policy with the
latest `valid_from` on or before that day if it recorded any for the State, otherwise the shared
default with the latest `valid_from`. An organisation that records its own line replaces the shared
one entirely: mixing the two lines by date would let an old shared row resurface after the
organisation's own reading.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.policies.models import StatePolicy


def _pick(rows: Iterable[StatePolicy], organisation_id: int | None) -> StatePolicy | None:
    """Among rows of one State ordered newest first, the current one for the organisation."""
    rows = list(rows)
    own = [row for row in rows if organisation_id is not None and row.organisation_id == organisation_id]
    if own:
        return own[0]
    return next((row for row in rows if row.organisation_id is None), None)


def _candidates(organisation_id: int | None, countries: Iterable[str], on: date) -> QuerySet[StatePolicy]:
    scope = Q(organisation__isnull=True)
    if organisation_id is not None:
        scope |= Q(organisation_id=organisation_id)
    return StatePolicy.objects.filter(scope, country__in=list(countries), valid_from__lte=on).order_by(
        "country", "-valid_from", "-pk"
    )


def current_policy(*, organisation_id: int | None, country: str, on: date | None = None) -> StatePolicy | None:
    """The policy of `country` that applies for the organisation on `on` (today by default), or None."""
    if not country:
        return None
    return _pick(_candidates(organisation_id, [country], on or timezone.localdate()), organisation_id)


def current_policies(
    *, organisation_id: int | None, countries: Iterable[str], on: date | None = None
) -> dict[str, StatePolicy]:
    """The current policy of each of `countries` that has one, in one query."""
    countries = {str(code) for code in countries if code}
    if not countries:
        return {}
    by_country: dict[str, list[StatePolicy]] = {}
    for row in _candidates(organisation_id, countries, on or timezone.localdate()):
        by_country.setdefault(str(row.country), []).append(row)
    picked = {code: _pick(rows, organisation_id) for code, rows in by_country.items()}
    return {code: policy for code, policy in picked.items() if policy is not None}


def policy_list(*, user: Any) -> list[tuple[str, list[StatePolicy], StatePolicy | None]]:
    """Every State with a policy the user sees: (code, its rows newest first, the current one for the user)."""
    today = timezone.localdate()
    rows = StatePolicy.objects.visible_to(user).select_related("organisation").order_by("country", "-valid_from", "-pk")
    by_country: dict[str, list[StatePolicy]] = {}
    for row in rows:
        by_country.setdefault(str(row.country), []).append(row)
    organisation_id = user.organisation_id
    result = []
    for code, policies in by_country.items():
        current = _pick([row for row in policies if row.valid_from <= today], organisation_id)
        result.append((code, policies, current))
    return result

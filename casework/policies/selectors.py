"""Reads of State policies.

The *current* policy of a State for an organisation on a day: the organisation's own policy with the
latest `valid_from` on or before that day if it recorded any for the State, otherwise the shared
default with the latest `valid_from`. An organisation that records its own line replaces the shared
one entirely: mixing the two lines by date would let an old shared row resurface after the
organisation's own reading.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.policies.choices import TakesBack
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


def _limit(policy: StatePolicy) -> int | None:
    """The age under which the policy takes children back: only "children under an age limit" has one."""
    return policy.age_limit if policy.takes_back == TakesBack.CHILDREN_UNDER_AGE else None


@dataclass(frozen=True)
class AgeLimits:
    """The age limit of each State's current policy on a day, for every organisation at once.

    `shared`: State -> the limit of its current shared default (None: that policy has no age limit).
    `own`: (organisation id, State) -> the limit of the organisation's own current policy, which
    replaces the shared one for that organisation (None: its own policy has no age limit).
    """

    shared: dict[str, int | None]
    own: dict[tuple[int, str], int | None]

    def of(self, organisation_id: int, country: str) -> int | None:
        """The age limit for the organisation's persons of the State, or None."""
        key = (organisation_id, str(country))
        return self.own[key] if key in self.own else self.shared.get(str(country))

    def __bool__(self) -> bool:
        return any(age is not None for age in (*self.shared.values(), *self.own.values()))

    def as_filter(self, *, organisation: str, country: str, reaching: Callable[[int], Q]) -> Q:
        """A filter on rows whose organisation (field `organisation`) and State (field `country`)
        have an age limit, combined with `reaching(limit)`: shared limits grouped by age, then the
        organisations' own. Matches nothing when no State has a limit. Fields must not be NULL."""
        by_age: dict[int, list[str]] = defaultdict(list)
        for code, age in self.shared.items():
            if age is not None:
                by_age[age].append(code)
        parts = [Q(**{f"{country}__in": sorted(codes)}) & reaching(age) for age, codes in sorted(by_age.items())]
        if parts and self.own:
            overridden = reduce(or_, (Q(**{organisation: o, country: c}) for o, c in sorted(self.own)))
            parts = [reduce(or_, parts) & ~overridden]
        parts += [
            Q(**{organisation: o, country: c}) & reaching(age)
            for (o, c), age in sorted(self.own.items())
            if age is not None
        ]
        return reduce(or_, parts) if parts else Q(pk__in=[])


def age_limits(*, on: date | None = None) -> AgeLimits:
    """The age limits of the States' current policies on `on` (today by default), shared and own; one query.

    The one home of "the age under which a State takes children back": the reminders' `state_age_limit`
    rule and the dashboard's "reaching the State's age limit" read it. A State's age limit for an
    organisation is that of its current policy (`current_policy`: its own line, else the shared
    default) when that policy is "children under an age limit"; any other policy has none.
    """
    rows = StatePolicy.objects.filter(valid_from__lte=on or timezone.localdate()).order_by(
        "country", "-valid_from", "-pk"
    )
    shared: dict[str, int | None] = {}
    own: dict[tuple[int, str], int | None] = {}
    for row in rows.only("organisation_id", "country", "takes_back", "age_limit"):
        code = str(row.country)
        if row.organisation_id is None:
            shared.setdefault(code, _limit(row))
        else:
            own.setdefault((row.organisation_id, code), _limit(row))
    return AgeLimits(shared=shared, own=own)

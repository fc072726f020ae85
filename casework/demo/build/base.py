"""The state every part of the draw shares, and the small random helpers."""

import random
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from casework.accounts.models import User
from casework.camps.models import ControllingAuthority, Facility, FacilitySection
from casework.demo import data
from casework.demo.plan import Member, Plan, Unit
from casework.govrequests.models import GovernmentAuthority
from casework.people.models import Person


class Draw:
    """The random source, the plan being filled and the reference objects drawn so far.

    Each module of `casework.demo.build` adds the methods of one domain in a subclass of this one;
    `casework.demo.generator._Builder` inherits them all, so a method may call another domain's
    through `self`. Every draw comes from `self.rng`, in the order `_Builder.build()` makes them.
    """

    # Set by the reference steps at the start of build(), read by the units after them.
    aanes: ControllingAuthority  # camps: the controlling authorities, facilities and their sections
    syrian_government: ControllingAuthority
    facility: dict[str, Facility]
    sections: dict[str, list[FacilitySection]]
    al_hol_phases: list[FacilitySection]
    annex: FacilitySection
    org_cum: list[float]  # organisations: the odds of each, and the caseworkers who get the cases
    org_share: dict[str, float]
    assignees: dict[str, tuple[list[User], list[float]]]
    state_authorities: dict[str, list[GovernmentAuthority]]  # the authorities of each State

    def __init__(self, *, size: int, seed: int, organisations: int, today: date) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        if not 1 <= organisations <= 50:
            raise ValueError("organisations must be between 1 and 50")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        # Draws added later take their own source, so that they do not shift the draws above.
        self.situation_rng = random.Random(f"situation-{seed}")  # noqa: S311
        self.size = size
        self.org_count = organisations
        self.today = today
        self.plan = Plan(today=today)
        self.case_seq: dict[str, int] = {}
        self.household_seq: dict[str, int] = {}
        self.request_seq: dict[str, int] = {}
        self.recent_mothers: dict[str, list[tuple[Unit, Member]]] = {}
        self.country_cum = list(accumulate(c.weight for c in data.COUNTRIES))
        self.scenario_cum: dict[tuple[str, bool], list[float]] = {}

    # --- Small random helpers --------------------------------------------------------------------
    def _days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def _between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(6, 15), self.rng.randint(0, 59)), tzinfo=UTC)

    def _weighted(self, pairs: list[tuple[str, int]] | tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p


def name_parts(
    given: tuple[str, str], father: tuple[str, str], grandfather: tuple[str, str], family: tuple[str, str]
) -> dict[str, str]:
    return {
        "given_name_ar": given[0],
        "given_name_lat": given[1],
        "father_name_ar": father[0],
        "father_name_lat": father[1],
        "grandfather_name_ar": grandfather[0],
        "grandfather_name_lat": grandfather[1],
        "family_name_ar": family[0],
        "family_name_lat": family[1],
    }


def names_of(person: Person) -> dict[str, str]:
    return {"given_name_ar": person.given_name_ar, "given_name_lat": person.given_name_lat}

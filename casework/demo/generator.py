"""Generation of the synthetic demo caseload.

Two steps:

* `build_plan()` makes every object in memory from one `random.Random(seed)` and issues no query, so
  the same seed on the same day always gives the same persons, names, dates and requests.
* `casework.demo.write.write_plan()` inserts the plan with `bulk_create` in dependency order, inside
  one transaction.

The drawing is split by domain: `casework.demo.build` (organisations, camps, people, families, cases,
records, requests) over the shared state of `build.base.Draw`; the odds are in `scenarios`, the plan's
containers in `plan`, and the deletion before a new seed (`--flush`) in `flush`. This module only
puts them together and draws the units, in one fixed order: reordering any draw changes the data.

Terms: a *unit* is what the generator draws at once: a family (a mother and her children, sometimes
with the father held in a detention centre), a single woman, a single man, or an unaccompanied or
separated child. A *scenario* is how far the unit's case has gone: it fixes the request's status, each
person's case status and decision, and the dates in between, so that the data obeys the check
constraints and the transition tables of the models.

The seed is initial data, not a change: it bypasses the services on purpose (no audit events, no
django-simple-history rows, no status-change notifications), writes one status-history row per step
so that timelines are not empty, and sets the derived fields itself because `bulk_create` does not
call `save()`.
"""

from datetime import date, timedelta
from itertools import accumulate

from django.utils import timezone

from casework.demo import data
from casework.demo.build.camps import Camps
from casework.demo.build.cases import Cases
from casework.demo.build.families import Families
from casework.demo.build.organisations import Organisations
from casework.demo.build.people import People
from casework.demo.build.records import Records
from casework.demo.build.requests import Requests
from casework.demo.build.situation import Situation
from casework.demo.data import Country
from casework.demo.plan import Plan, Unit
from casework.demo.scenarios import (
    FIRST_ARRIVAL,
    POLICY_FACTORS,
    SCENARIO_BY_NAME,
    SCENARIOS,
    SINGLE_FALLBACK,
    UNIT_CUM,
    UNIT_KINDS,
    Scenario,
)
from casework.people.choices import Sex


def build_plan(*, size: int, seed: int, organisations: int = 3, today: date | None = None) -> Plan:
    """Make the whole demo caseload in memory, deterministically for (size, seed, organisations, today)."""
    return _Builder(size=size, seed=seed, organisations=organisations, today=today or timezone.localdate()).build()


class _Builder(Organisations, Camps, People, Families, Cases, Records, Requests, Situation):
    """The whole draw: each base adds the methods of one domain, all sharing the state of `Draw`."""

    # --- Build ------------------------------------------------------------------------------------
    def build(self) -> Plan:
        self._reference_data()
        self._organisations()
        self._users()
        self._government_authorities()
        self._state_policies()
        remaining, index = self.size, 0
        while remaining > 0:
            remaining -= self._unit(index, remaining)
            index += 1
        self.plan.case_counts = dict(self.case_seq)
        return self.plan

    # --- Units ------------------------------------------------------------------------------------
    def _pick_scenario(self, country: Country, single: bool) -> Scenario:
        key = (country.policy, single)
        if key not in self.scenario_cum:
            factors = POLICY_FACTORS[country.policy]
            weights = [0.0 if (single and s.family_only) else s.weight * factors.get(s.name, 1.0) for s in SCENARIOS]
            self.scenario_cum[key] = list(accumulate(weights))
        return self.rng.choices(SCENARIOS, cum_weights=self.scenario_cum[key])[0]

    def _unit(self, index: int, remaining: int) -> int:
        """Build one unit and everything about it; return how many persons it holds."""
        rng = self.rng
        forced = index < len(SCENARIOS)  # the first units go through every scenario once
        kind = "family" if forced else rng.choices(UNIT_KINDS, cum_weights=UNIT_CUM)[0]
        if kind == "family" and remaining < 2:
            kind = "single_woman"
        org = (
            self.plan.organisations[0] if forced else rng.choices(self.plan.organisations, cum_weights=self.org_cum)[0]
        )
        country = rng.choices(data.COUNTRIES, cum_weights=self.country_cum)[0]
        style = self._weighted(country.styles)
        scenario = SCENARIOS[index] if forced else self._pick_scenario(country, single=kind != "family")
        if kind != "family" and scenario.name in SINGLE_FALLBACK:
            scenario = SCENARIO_BY_NAME[SINGLE_FALLBACK[scenario.name]]
        pool, cum = self.assignees[org.code]
        assignee = None if rng.random() < 0.05 else rng.choices(pool, cum_weights=cum)[0]
        unit = Unit(kind=kind, org=org, country=country, style=style, scenario=scenario, assignee=assignee)

        # Dates of the request first: everyone must have been registered before it was drafted.
        cutoff = self.today - self._days(20, 60)
        if scenario.request is not None:
            unit.dates = self._request_dates(scenario)
            cutoff = min(cutoff, unit.dates["drafted"] - self._days(14, 60))
            if scenario.name not in ("draft", "submitted", "acknowledged") and self._chance(0.25):
                unit.earlier = self._earlier_request_dates(unit.dates["drafted"])
                if unit.earlier:
                    cutoff = min(cutoff, unit.earlier["drafted"] - self._days(14, 60))
        if self._chance(0.8) or cutoff < FIRST_ARRIVAL + timedelta(days=150):
            unit.arrival = FIRST_ARRIVAL + self._days(0, 92)
        else:
            unit.arrival = self._between(date(2019, 6, 1), cutoff - timedelta(days=30))
        unit.arrival = min(unit.arrival, cutoff - timedelta(days=14))
        span = max(0, (cutoff - unit.arrival).days)
        unit.registration = unit.arrival + timedelta(days=int(rng.random() ** 2 * span))

        if kind == "family":
            self._family(unit, remaining, at_least_two=forced)
        elif kind == "single_woman":
            self._single_adult(unit, Sex.FEMALE)
        elif kind == "single_man":
            self._single_adult(unit, Sex.MALE)
        else:
            self._separated_child(unit)

        self._statuses(unit)
        for member in unit.members:
            self._case_history(unit, member)
            self._custody(unit, member)
            self._claims(unit, member)
            self._documents(unit, member)
            self._screenings(unit, member)
            self._assessments(unit, member)
            self._situation(unit, member)
        if scenario.request is not None:
            self._requests(unit)
            self._appeals(unit)
        return len(unit.members)

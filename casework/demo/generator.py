"""Generation of the synthetic demo caseload.

Two steps:

* `build_plan()` makes every object in memory from one `random.Random(seed)` and issues no query, so
  the same seed on the same day always gives the same persons, names, dates and requests.
* `write_plan()` inserts the plan with `bulk_create` in dependency order, inside one transaction.

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

import random
import time as timer
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django_countries import countries

from casework.accounts import roles
from casework.accounts.models import Organisation, User
from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.demo import data, names
from casework.demo.data import Country
from casework.govrequests.choices import AuthorityKind, Channel, Decision, EventKind, HandoverStatus
from casework.govrequests.choices import RequestStatus as RS
from casework.govrequests.models import (
    Disclosure,
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.outbox.models import OutboundMessage
from casework.people.choices import (
    AliasKind,
    AssessmentKind,
    CaseStatus,
    ClaimBasis,
    ClaimStatus,
    ClosureReason,
    DatePrecision,
    DnaOutcome,
    DocumentType,
    Relation,
    Script,
    SeparationStatus,
    Sex,
    TransferReason,
)
from casework.people.models import (
    Alias,
    Assessment,
    CustodyPeriod,
    DnaTest,
    FamilyLink,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
    PersonStatusChange,
)
from casework.people.names import normalise_name
from casework.screenings.models import Screening

DEMO_PASSWORD = "casework-demo"  # noqa: S105 - published on purpose: demo accounts only
BATCH_SIZE = 5000
FIRST_ARRIVAL = date(2019, 3, 1)  # the last enclave emptied in February–March 2019
FIRST_REQUEST = date(2019, 6, 1)
# One placeholder scan shared by every completed handover of the demo.
DEMO_DOCUMENT = "documents/demo-signed-handover-document.pdf"

CS = CaseStatus
DECISIONS = (RS.ACCEPTED, RS.PARTIALLY_ACCEPTED, RS.REFUSED)


# --- Scenarios ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """How far a unit's case has gone. `request` is the path of the request's status (None: no request)."""

    name: str
    weight: float
    adult: str  # final case status of the mother or single adult
    child: str  # final case status of the children
    request: tuple[str, ...] | None = None
    window: tuple[int, int] = (0, 0)  # days before today of the request's last status change
    decision_adult: str = Decision.PENDING
    decision_child: str = Decision.PENDING
    family_only: bool = False  # needs a mother and at least one child


_SENT = (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.UNDER_REVIEW)
SCENARIOS: list[Scenario] = [
    Scenario("registered", 6, CS.REGISTERED, CS.REGISTERED),
    Scenario("identity", 10, CS.IDENTITY_IN_PROGRESS, CS.IDENTITY_IN_PROGRESS),
    Scenario("nationality", 14, CS.NATIONALITY_VERIFICATION, CS.NATIONALITY_VERIFICATION),
    Scenario("assessment", 8, CS.ASSESSMENT, CS.ASSESSMENT),
    Scenario("ready", 5, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST),
    Scenario("draft", 3, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST, (), (0, 45)),
    Scenario("submitted", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, (RS.SUBMITTED,), (3, 50)),
    Scenario("acknowledged", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, _SENT[:2], (5, 120)),
    Scenario("under_review", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, _SENT, (10, 300)),
    Scenario(
        "information_requested", 3, CS.REQUEST_PENDING, CS.REQUEST_PENDING,
        (*_SENT[:2], RS.INFORMATION_REQUESTED), (3, 45),
    ),
    Scenario(
        "no_response", 3, CS.REQUEST_PENDING, CS.REQUEST_PENDING, (RS.SUBMITTED, RS.NO_RESPONSE), (5, 600),
        Decision.NO_ANSWER, Decision.NO_ANSWER,
    ),
    Scenario(
        "accepted", 3, CS.ACCEPTED, CS.ACCEPTED, (*_SENT, RS.ACCEPTED), (5, 200), Decision.ACCEPTED, Decision.ACCEPTED
    ),
    Scenario(
        "partially_accepted", 2, CS.REFUSED, CS.ACCEPTED, (*_SENT, RS.PARTIALLY_ACCEPTED), (5, 200),
        Decision.REFUSED, Decision.ACCEPTED, family_only=True,
    ),
    Scenario(
        "refused", 4, CS.REFUSED, CS.REFUSED, (*_SENT, RS.REFUSED), (5, 1800), Decision.REFUSED, Decision.REFUSED
    ),
    Scenario(
        "review_requested", 1.5, CS.REQUEST_PENDING, CS.REQUEST_PENDING,
        (*_SENT, RS.REFUSED, RS.REVIEW_REQUESTED), (5, 60), Decision.REFUSED, Decision.REFUSED,
    ),
    Scenario(
        "operation_planned", 2, CS.HANDOVER_SCHEDULED, CS.HANDOVER_SCHEDULED,
        (*_SENT, RS.ACCEPTED, RS.OPERATION_PLANNED), (1, 60), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "handed_over", 1.5, CS.HANDED_OVER, CS.HANDED_OVER,
        (*_SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (3, 20), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "repatriated", 3, CS.REPATRIATED, CS.REPATRIATED,
        (*_SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (21, 700), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "closed_repatriated", 4, CS.CLOSED, CS.CLOSED,
        (*_SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (200, 2300), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "partially_completed", 1, CS.REPATRIATED, CS.REPATRIATED,
        (*_SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.PARTIALLY_COMPLETED), (21, 900),
        Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "children_only", 2, CS.REFUSED, CS.REPATRIATED,
        (*_SENT, RS.PARTIALLY_ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (21, 1500),
        Decision.REFUSED, Decision.ACCEPTED, family_only=True,
    ),
    Scenario("withdrawn", 1.5, CS.ON_HOLD, CS.ON_HOLD, (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.WITHDRAWN), (5, 1200)),
    Scenario(
        "lapsed", 1.5, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST, (RS.SUBMITTED, RS.NO_RESPONSE, RS.LAPSED),
        (5, 1500), Decision.NO_ANSWER, Decision.NO_ANSWER,
    ),
    Scenario("on_hold", 4, CS.ON_HOLD, CS.ON_HOLD),
    Scenario("closed_other", 4, CS.CLOSED, CS.CLOSED),
]  # fmt: skip
SCENARIO_BY_NAME = {s.name: s for s in SCENARIOS}
# A unit of one person cannot be partially accepted.
SINGLE_FALLBACK = {"partially_accepted": "accepted", "children_only": "refused", "partially_completed": "repatriated"}
COMPLETED_SCENARIOS = ("handed_over", "repatriated", "closed_repatriated", "partially_completed", "children_only")
# How a State's stance shifts the odds of each scenario.
POLICY_FACTORS: dict[str, dict[str, float]] = {
    "repatriates": {
        **dict.fromkeys(COMPLETED_SCENARIOS, 2.5),
        "operation_planned": 2.0,
        **dict.fromkeys(("refused", "no_response", "lapsed", "review_requested"), 0.5),
    },
    "children_first": {"partially_accepted": 4.0, "children_only": 5.0, "accepted": 0.5, "closed_repatriated": 0.5},
    "case_by_case": {},
    "reluctant": {
        "refused": 2.0,
        "no_response": 2.5,
        "lapsed": 2.5,
        "review_requested": 2.0,
        "operation_planned": 0.5,
        **dict.fromkeys(COMPLETED_SCENARIOS, 0.3),
    },
}
UNIT_KINDS = ["family", "single_woman", "single_man", "uasc"]
UNIT_CUM = list(accumulate([72, 12, 8, 8]))
CHILDREN_COUNT_CUM = list(accumulate([22, 26, 22, 14, 9, 7]))  # 1..6 children
CLOSURE_CUM = list(accumulate([10, 15, 25, 10, 15, 15, 10]))
OTHER_CLOSURES = [
    ClosureReason.RESETTLED,
    ClosureReason.REUNIFIED,
    ClosureReason.RELEASED_LOCALLY,
    ClosureReason.DECEASED,
    ClosureReason.TRANSFERRED,
    ClosureReason.LOST_CONTACT,
    ClosureReason.DUPLICATE,
]
# Closure reasons after which the person is no longer held.
LEFT_CUSTODY = {ClosureReason.RESETTLED, ClosureReason.REUNIFIED, ClosureReason.RELEASED_LOCALLY}

# Primary nationality claim status by scenario (the mothers of partial acceptances use "mother_refused").
CLAIM_STATUS_WEIGHTS: dict[str, list[tuple[str, int]]] = {
    "registered": [(ClaimStatus.CLAIMED, 1)],
    "identity": [(ClaimStatus.CLAIMED, 60), (ClaimStatus.DOCUMENTS_REQUESTED, 40)],
    "nationality": [
        (ClaimStatus.DOCUMENTS_REQUESTED, 25),
        (ClaimStatus.UNDER_VERIFICATION, 45),
        (ClaimStatus.DNA_PENDING, 30),
    ],
    "early_request": [(ClaimStatus.UNDER_VERIFICATION, 25), (ClaimStatus.CONFIRMED, 75)],
    "pending": [(ClaimStatus.UNDER_VERIFICATION, 40), (ClaimStatus.DNA_PENDING, 15), (ClaimStatus.CONFIRMED, 45)],
    "confirmed": [(ClaimStatus.CONFIRMED, 1)],
    "refused": [
        (ClaimStatus.NOT_CONFIRMED, 30),
        (ClaimStatus.DISPUTED, 20),
        (ClaimStatus.DEPRIVED, 25),
        (ClaimStatus.CONFIRMED, 25),
    ],
    "mother_refused": [(ClaimStatus.DEPRIVED, 50), (ClaimStatus.CONFIRMED, 35), (ClaimStatus.DISPUTED, 15)],
    "on_hold": [(ClaimStatus.CLAIMED, 30), (ClaimStatus.UNDER_VERIFICATION, 40), (ClaimStatus.DISPUTED, 30)],
    "closed": [(ClaimStatus.CLAIMED, 30), (ClaimStatus.UNDER_VERIFICATION, 30), (ClaimStatus.CONFIRMED, 40)],
}
CLAIM_GROUP = {
    "registered": "registered",
    "identity": "identity",
    "nationality": "nationality",
    "assessment": "early_request",
    "ready": "early_request",
    "draft": "early_request",
    "submitted": "pending",
    "acknowledged": "pending",
    "under_review": "pending",
    "information_requested": "pending",
    "no_response": "pending",
    "review_requested": "refused",
    "lapsed": "pending",
    "withdrawn": "pending",
    "refused": "refused",
    "on_hold": "on_hold",
    "closed_other": "closed",
}
SPELLINGS = dict(names.FEMALE_ARABIC + names.MALE_ARABIC)
WESTERN = frozenset(
    ("FR", "DE", "BE", "NL", "GB", "SE", "DK", "NO", "FI", "AT", "CH", "IT", "ES", "PT", "IE", "US", "CA", "AU", "NZ")
)


# --- The plan -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything the demo database will hold, as unsaved model instances wired to each other."""

    today: date
    controlling_authorities: list[ControllingAuthority] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    sections: list[FacilitySection] = field(default_factory=list)
    control_periods: list[FacilityControlPeriod] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # username → role group
    sensitive_users: list[str] = field(default_factory=list)
    gov_authorities: list[GovernmentAuthority] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    family_links: list[FamilyLink] = field(default_factory=list)
    custody_periods: list[CustodyPeriod] = field(default_factory=list)
    claims: list[NationalityClaim] = field(default_factory=list)
    documents: list[IdentityDocument] = field(default_factory=list)
    dna_tests: list[DnaTest] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    person_status_changes: list[PersonStatusChange] = field(default_factory=list)
    requests: list[GovernmentRequest] = field(default_factory=list)
    requested_persons: list[RequestedPerson] = field(default_factory=list)
    request_events: list[RequestEvent] = field(default_factory=list)
    request_status_changes: list[RequestStatusChange] = field(default_factory=list)
    handovers: list[HandoverOperation] = field(default_factory=list)
    handover_persons: list[HandoverPerson] = field(default_factory=list)
    case_counts: dict[str, int] = field(default_factory=dict)  # organisation code → persons

    def case_data(self) -> list[tuple[str, list[models.Model]]]:
        """The per-case rows in insertion order (each list only refers to lists before it)."""
        return [
            ("households", self.households),
            ("persons", self.persons),
            ("aliases", self.aliases),
            ("family links", self.family_links),
            ("custody periods", self.custody_periods),
            ("nationality claims", self.claims),
            ("identity documents", self.documents),
            ("DNA tests", self.dna_tests),
            ("assessments", self.assessments),
            ("screenings", self.screenings),
            ("case status changes", self.person_status_changes),
            ("government requests", self.requests),
            ("persons in requests", self.requested_persons),
            ("request events", self.request_events),
            ("request status changes", self.request_status_changes),
            ("handover operations", self.handovers),
            ("persons on handovers", self.handover_persons),
        ]


@dataclass
class _Member:
    """A person of a unit while it is being built, with the facts that are not stored as such."""

    person: Person
    born: date  # the true date of birth; the record may hold only a year or a range
    is_child: bool
    role: str  # adult, child, father
    status: str = CS.REGISTERED
    path: list[tuple[str, date]] = field(default_factory=list)
    decision: str = Decision.PENDING
    on_handover: bool = True
    exit_date: date | None = None  # left custody (handed over, released, deceased)
    exit_reason: str = ""


@dataclass
class _Unit:
    kind: str
    org: Organisation
    country: Country
    style: str
    scenario: Scenario
    assignee: User | None
    arrival: date = FIRST_ARRIVAL
    registration: date = FIRST_ARRIVAL
    household: Household | None = None
    members: list[_Member] = field(default_factory=list)
    placement: tuple[Facility, FacilitySection | None] | None = None
    dates: dict = field(default_factory=dict)  # of the current request
    earlier: dict | None = None  # an earlier request that went nowhere
    father_country: Country | None = None
    stays: list[tuple] | None = None  # where the family lived, shared by its members
    paths: dict = field(default_factory=dict)  # status paths already drawn for this unit, by kind of member


def build_plan(*, size: int, seed: int, organisations: int = 3, today: date | None = None) -> Plan:
    """Make the whole demo caseload in memory, deterministically for (size, seed, organisations, today)."""
    return _Builder(size=size, seed=seed, organisations=organisations, today=today or timezone.localdate()).build()


class _Builder:
    def __init__(self, *, size: int, seed: int, organisations: int, today: date) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        if not 1 <= organisations <= 50:
            raise ValueError("organisations must be between 1 and 50")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.size = size
        self.org_count = organisations
        self.today = today
        self.plan = Plan(today=today)
        self.case_seq: dict[str, int] = {}
        self.household_seq: dict[str, int] = {}
        self.request_seq: dict[str, int] = {}
        self.recent_mothers: dict[str, list[tuple[_Unit, _Member]]] = {}
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

    # --- Build ------------------------------------------------------------------------------------
    def build(self) -> Plan:
        self._reference_data()
        self._organisations()
        self._users()
        self._government_authorities()
        remaining, index = self.size, 0
        while remaining > 0:
            remaining -= self._unit(index, remaining)
            index += 1
        self.plan.case_counts = dict(self.case_seq)
        return self.plan

    def _reference_data(self) -> None:
        plan = self.plan
        authority = {}
        for name, short in data.CONTROLLING_AUTHORITIES:
            authority[name] = ControllingAuthority(name=name, short_name=short)
            plan.controlling_authorities.append(authority[name])
        self.aanes = authority[data.AANES]
        self.syrian_government = authority[data.SYRIAN_GOVERNMENT]
        self.facility: dict[str, Facility] = {}
        self.sections: dict[str, list[FacilitySection]] = {}
        for name, name_ar, kind, location, lat, lon, sections in data.FACILITIES:
            facility = Facility(
                name=name,
                name_ar=name_ar,
                kind=kind,
                governorate="Hasakah",
                location=location,
                latitude=Decimal(lat) if lat else None,
                longitude=Decimal(lon) if lon else None,
            )
            self.facility[name] = facility
            plan.facilities.append(facility)
            self.sections[name] = [FacilitySection(facility=facility, name=s, kind=k) for s, k in sections]
            plan.sections.extend(self.sections[name])
            if name == data.AL_HOL:
                plan.control_periods += [
                    FacilityControlPeriod(
                        facility=facility,
                        authority=self.aanes,
                        start_date=data.CONTROL_SINCE,
                        end_date=data.AL_HOL_HANDOVER - timedelta(days=1),
                    ),
                    FacilityControlPeriod(
                        facility=facility, authority=self.syrian_government, start_date=data.AL_HOL_HANDOVER
                    ),
                ]
            else:
                plan.control_periods.append(
                    FacilityControlPeriod(facility=facility, authority=self.aanes, start_date=data.CONTROL_SINCE)
                )
        self.al_hol_phases = [s for s in self.sections[data.AL_HOL] if s.kind == FacilitySection.Kind.PHASE]
        self.annex = next(s for s in self.sections[data.AL_HOL] if s.kind == FacilitySection.Kind.ANNEX)

    def _organisations(self) -> None:
        templates = list(data.ORGANISATIONS)
        for n in range(len(templates) + 1, self.org_count + 1):
            templates.append((f"Demo organisation {n}", f"ORG{n}", "ngo"))
        for name, code, kind in templates[: self.org_count]:
            org = Organisation(name=name, code=code, kind=kind, email=f"cases@{code.lower()}.example")
            self.plan.organisations.append(org)
            self.case_seq[code] = self.household_seq[code] = self.request_seq[code] = 0
        # Most persons in the first organisation, the rest in decreasing shares.
        rest = self.org_count - 1
        weights = [60.0] + [40.0 * (rest - i) / (rest * (rest + 1) / 2) for i in range(rest)] if rest else [1.0]
        self.org_cum = list(accumulate(weights))
        self.org_share = {org.code: w / sum(weights) for org, w in zip(self.plan.organisations, weights, strict=True)}

    def _users(self) -> None:
        plan = self.plan
        staff = iter(names.STAFF_NAMES * 50)

        def user(username: str, org: Organisation | None, role: str | None, **extra) -> User:
            first, last = next(staff)
            domain = f"{org.code.lower()}.example" if org else "casework.example"
            account = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{domain}",
                organisation=org,
                is_staff=True,
                **extra,
            )
            plan.users.append(account)
            if role:
                plan.roles[username] = role
            return account

        user("admin", None, None, is_superuser=True)
        self.assignees: dict[str, tuple[list[User], list[float]]] = {}
        for index, org in enumerate(plan.organisations):
            pool: list[tuple[User, float]] = []
            if index == 0:
                pool.append((user("caseworker", org, roles.CASEWORKER), 3))
                pool.append((user("fieldworker", org, roles.CASEWORKER, sees_assigned_only=True), 1))
                user("supervisor", org, roles.SUPERVISOR)
                plan.sensitive_users.append("supervisor")
                user("orgadmin", org, roles.ORGANISATION_ADMIN)
                user("auditor", org, roles.AUDITOR)
            elif index == 1:
                pool.append((user("caseworker2", org, roles.CASEWORKER), 3))
                user("supervisor2", org, roles.SUPERVISOR)
            # About one caseworker per 2,500 cases on top of the named ones.
            expected = self.size * self.org_share[org.code]
            for n in range(1, max(1, min(30, round(expected / 2500))) + 1):
                pool.append((user(f"{org.code.lower()}.cw{n:02d}", org, roles.CASEWORKER), 2))
            self.assignees[org.code] = ([u for u, _w in pool], list(accumulate(w for _u, w in pool)))

    def _government_authorities(self) -> None:
        self.state_authorities: dict[str, list[GovernmentAuthority]] = {}
        for country in data.COUNTRIES:
            code, cc = country.code, country.code.lower()
            language = _correspondence_language(country)
            found = [
                GovernmentAuthority(
                    country=code,
                    name=f"Ministry of Foreign Affairs ({countries.name(code)})",
                    kind=AuthorityKind.FOREIGN_MINISTRY,
                    email=f"repatriation@mfa.{cc}.example",
                    language=language,
                )
            ]
            if code == "IQ":
                found.append(
                    GovernmentAuthority(
                        country=code,
                        name="Ministry of Migration and Displacement",
                        kind=AuthorityKind.OTHER,
                        email="returns@momd.iq.example",
                        language=language,
                    )
                )
            elif code in data.MISSION_CITY:
                city = data.MISSION_CITY[code]
                embassy = city == "Damascus"
                found.append(
                    GovernmentAuthority(
                        country=code,
                        name=f"Embassy in {city}" if embassy else f"Consulate General in {city}",
                        kind=AuthorityKind.EMBASSY if embassy else AuthorityKind.CONSULATE,
                        email=f"consular@{city.lower()}.{cc}.example",
                        language=language,
                    )
                )
            self.state_authorities[code] = found
            self.plan.gov_authorities.extend(found)

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
        unit = _Unit(kind=kind, org=org, country=country, style=style, scenario=scenario, assignee=assignee)

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
        if scenario.request is not None:
            self._requests(unit)
        return len(unit.members)

    def _new_household(self, org: Organisation) -> Household:
        self.household_seq[org.code] += 1
        household = Household(organisation=org, reference=f"HH-{self.household_seq[org.code]:06d}")
        self.plan.households.append(household)
        return household

    def _placement(self, country: Country) -> tuple[Facility, FacilitySection | None]:
        """Where a woman and her children are held: Iraqis in the main phases of al-Hol, other foreigners in
        the Annex, many Westerners in Roj."""
        if country.code == "IQ":
            return self.facility[data.AL_HOL], self.rng.choice(self.al_hol_phases)
        roj_share = 0.6 if country.code in WESTERN else 0.25
        if self._chance(roj_share):
            return self.facility[data.ROJ], self.rng.choice(self.sections[data.ROJ])
        return self.facility[data.AL_HOL], self.annex

    # --- Persons and names ------------------------------------------------------------------------
    def _spell(self, entry: names.ArabicName, french: bool) -> tuple[str, str]:
        arabic, spellings = entry
        if french and arabic in names.FRENCH_SPELLING and self._chance(0.8):
            return arabic, names.FRENCH_SPELLING[arabic]
        return arabic, spellings[0] if self._chance(0.55) else self.rng.choice(spellings)

    def _nisba(self, country: Country, style: str) -> tuple[str, str]:
        if style == "caucasus":
            return self.rng.choice(names.CAUCASUS_NISBA)
        return names.NISBA.get(country.code, names.DEFAULT_NISBA)

    def _languages(self, country: Country, style: str) -> list[str]:
        if style in names.ARABIC_STYLES:
            languages = ["ar"]
            if country.language != "ar":
                languages.append(country.language)
            elif style == "maghreb" and self._chance(0.4):
                languages.append("fr")
            return languages
        languages = [data.STYLE_LANGUAGE.get(style, country.language)]
        if country.language not in languages:
            languages.append(country.language)
        if style in data.RUSSIAN_SPEAKING_STYLES and "ru" not in languages:
            languages.append("ru")
        if self._chance(0.3):
            languages.append("ar")
        return languages

    def _birth_fields(self, born: date, is_child: bool) -> dict:
        """The date of birth as it was recorded: exact, month, year, an estimated range, or unknown."""
        weights = (50, 15, 15, 15, 5) if is_child else (35, 10, 35, 17, 3)
        precision = self.rng.choices(
            (DatePrecision.EXACT, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.RANGE, DatePrecision.UNKNOWN),
            weights=weights,
        )[0]
        fields: dict = {"birth_date_precision": precision}
        if precision == DatePrecision.EXACT:
            fields["birth_date"] = born
        elif precision == DatePrecision.MONTH:
            fields["birth_date"] = born.replace(day=1)
        elif precision == DatePrecision.YEAR:
            fields["birth_date"] = date(born.year, 1, 1)
        elif precision == DatePrecision.RANGE:
            earliest = born - self._days(0, 500)
            fields["birth_date_earliest"] = earliest
            fields["birth_date_latest"] = min(self.today, max(born, earliest + self._days(365, 1100)))
        return fields

    def _person(
        self,
        unit: _Unit,
        *,
        sex: str,
        born: date,
        is_child: bool,
        role: str,
        name: dict[str, str],
        languages: list[str],
        place_of_birth: str = "",
        country_of_birth: str = "",
        household: Household | None = None,
    ) -> _Member:
        org = unit.org
        self.case_seq[org.code] += 1
        person = Person(
            organisation=org,
            case_number=f"{org.code}-{self.case_seq[org.code]:06d}",
            sex=sex,
            place_of_birth=place_of_birth,
            country_of_birth=country_of_birth,
            languages=languages,
            household=household,
            assigned_to=unit.assignee,
            created_by=unit.assignee,
            **name,
            **self._birth_fields(born, is_child),
        )
        if self._chance(0.07):
            person.has_medical_condition = True
        if self._chance(0.03):
            person.has_disability = True
        if self._chance(0.008):
            person.medical_urgent = person.has_medical_condition = True
        if person.medical_urgent:
            person.health_notes = data.URGENT_HEALTH_NOTE
        elif person.has_medical_condition or person.has_disability:
            person.health_notes = self.rng.choice(data.HEALTH_NOTES)
        person.refresh_derived_fields()
        self.plan.persons.append(person)
        member = _Member(person=person, born=born, is_child=is_child, role=role)
        unit.members.append(member)
        return member

    def _alias(self, member: _Member, kind: str, name: str, script: str, armed_group_link: bool = False) -> None:
        self.plan.aliases.append(
            Alias(
                person=member.person,
                kind=kind,
                name=name,
                script=script,
                name_search=normalise_name(name),
                armed_group_link=armed_group_link,
            )
        )

    def _adult_name(self, country: Country, style: str, sex: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Name parts of an adult, and the birth names (name, script) to record as aliases."""
        rng = self.rng
        female = sex == Sex.FEMALE
        if style in names.ARABIC_STYLES:
            french = style == "maghreb"
            given = self._spell(rng.choice(names.FEMALE_ARABIC if female else names.MALE_ARABIC), french)
            father = self._spell(rng.choice(names.MALE_ARABIC), french)
            grandfather = self._spell(rng.choice(names.MALE_ARABIC), french) if self._chance(0.8) else ("", "")
            family = self._spell(rng.choice(names.FAMILY_ARABIC[style]), french)
            return _name_parts(given, father, grandfather, family), []
        birth = names.BIRTH_NAMES[style]
        birth_given = rng.choice(birth["female" if female else "male"])
        birth_family = rng.choice(birth["family"])
        if female:
            birth_family = names.feminine_family(style, birth_family)
        native = f"{birth_given[0]} {birth_family[0]}"
        latin = f"{birth_given[1]} {birth_family[1]}"
        if self._chance(0.7):  # took an Arabic name: that is the name the camp knows
            given = self._spell(rng.choice(names.FEMALE_ARABIC if female else names.MALE_ARABIC), False)
            european = style in ("fr", "nl", "de", "en", "nordic", "romance", "slavic")
            father = self._spell(names.CONVERT_FATHER, False) if european and self._chance(0.5) else ("", "")
            nisba = self._nisba(country, style)
            if female:
                nisba = names.feminine_nisba(nisba)
            aliases = [(native, birth["script"])]
            if latin != native:
                aliases.append((latin, Script.LATIN))
            return _name_parts(given, father, ("", ""), nisba), aliases
        parts = {"given_name_lat": birth_given[1], "family_name_lat": birth_family[1]}
        return parts, [(native, birth["script"])] if native != latin else []

    def _father_chain(self, country: Country, style: str) -> dict:
        """The father's side of the children's nasab: his name, his father's name, the family name."""
        rng = self.rng
        if style in names.ARABIC_STYLES:
            french = style == "maghreb"
            return {
                "father": self._spell(rng.choice(names.MALE_ARABIC), french),
                "grandfather": self._spell(rng.choice(names.MALE_ARABIC), french) if self._chance(0.85) else ("", ""),
                "family": self._spell(rng.choice(names.FAMILY_ARABIC[style]), french),
                "family_female": None,
            }
        father = self._spell(rng.choice(names.MALE_ARABIC), False)
        if self._chance(0.7):
            return {
                "father": father,
                "grandfather": ("", ""),
                "family": self._nisba(country, style),
                "family_female": None,
            }
        surname = rng.choice(names.BIRTH_NAMES[style]["family"])
        return {
            "father": father,
            "grandfather": ("", ""),
            "family": ("", surname[1]),
            "family_female": ("", names.feminine_family(style, surname)[1]),
        }

    def _child_name(self, sex: str, chain: dict | None, mother_family: tuple[str, str]) -> dict[str, str]:
        given = self._spell(self.rng.choice(names.FEMALE_ARABIC if sex == Sex.FEMALE else names.MALE_ARABIC), False)
        if chain is not None and given[0] == chain["father"][0]:  # named after the father: happens, but rarely
            given = self._spell(self.rng.choice(names.MALE_ARABIC), False)
        if chain is None:  # father unknown: the mother's family name
            return _name_parts(given, ("", ""), ("", ""), mother_family)
        family = chain["family_female"] if sex == Sex.FEMALE and chain["family_female"] else chain["family"]
        return _name_parts(given, chain["father"], chain["grandfather"], family)

    def _kunya(self, member: _Member, prefix: tuple[str, str], after: dict[str, str]) -> None:
        """Abu X / Umm X, in Arabic and in Latin script, after the eldest son (or another child)."""
        if after.get("given_name_ar"):
            self._alias(member, AliasKind.KUNYA, f"{prefix[0]} {after['given_name_ar']}", Script.ARABIC)
        if after.get("given_name_lat"):
            self._alias(member, AliasKind.KUNYA, f"{prefix[1]} {after['given_name_lat']}", Script.LATIN)

    def _spelling_alias(self, member: _Member) -> None:
        """Another Latin spelling of an Arabic name, as a different registrar wrote it."""
        person = member.person
        parts = []
        for part in ("given_name", "father_name", "family_name"):
            arabic, latin = getattr(person, f"{part}_ar"), getattr(person, f"{part}_lat")
            spellings = SPELLINGS.get(arabic, ())
            others = [s for s in spellings if s != latin]
            parts.append(self.rng.choice(others) if others else latin)
        alternative = " ".join(p for p in parts if p)
        if alternative and alternative != person.full_name_lat:
            self._alias(member, AliasKind.SPELLING, alternative, Script.LATIN)

    def _add_adult(
        self, unit: _Unit, sex: str, age_range: tuple[float, float, float], household: Household | None
    ) -> _Member:
        country, style = unit.country, unit.style
        age = self.rng.triangular(*age_range)
        born = self.today - timedelta(days=int(age * 365.25))
        name, birth_names = self._adult_name(country, style, sex)
        member = self._person(
            unit,
            sex=sex,
            born=born,
            is_child=False,
            role="adult",
            name=name,
            languages=self._languages(country, style),
            place_of_birth=self.rng.choice(country.cities) if country.cities and self._chance(0.7) else "",
            country_of_birth=country.code,
            household=household,
        )
        for birth_name, script in birth_names:
            kind = AliasKind.BIRTH_NAME if name.get("given_name_ar") else AliasKind.SPELLING
            self._alias(member, kind, birth_name, script)
        if style in names.ARABIC_STYLES and self._chance(0.12):
            self._spelling_alias(member)
        return member

    def _family(self, unit: _Unit, remaining: int, at_least_two: bool) -> None:
        rng = self.rng
        unit.household = self._new_household(unit.org)
        unit.placement = self._placement(unit.country)
        # She was at least 17 when registered, so that her children are not born before she was 16.
        youngest = max(19.0, (self.today - unit.registration).days / 365.25 + 17)
        mother = self._add_adult(unit, Sex.FEMALE, (youngest, 52.0, max(youngest, 29.0)), unit.household)
        # The father: mostly of the same State, sometimes another; rarely known to be alive and held.
        father_country = unit.country
        if self._chance(0.25):
            father_country = data.COUNTRY_BY_CODE["IQ"] if self._chance(0.4) else rng.choice(data.COUNTRIES)
        father_style = unit.style if father_country is unit.country else self._weighted(father_country.styles)
        chain = None if self._chance(0.08) else self._father_chain(father_country, father_style)
        unit.father_country = father_country
        held_father = chain is not None and self._chance(0.08) and remaining >= 3
        wanted = rng.choices(range(1, 7), cum_weights=CHILDREN_COUNT_CUM)[0]
        if at_least_two:
            wanted = max(wanted, 2)
        wanted = min(wanted, remaining - 1 - (1 if held_father else 0))
        mother_family = (mother.person.family_name_ar, mother.person.family_name_lat)
        births = self._child_births(unit, mother.born, wanted)
        children = []
        for born in births:
            sex = Sex.MALE if self._chance(0.51) else Sex.FEMALE
            if born >= unit.arrival:
                place, country_of_birth = data.CAMP_BIRTHPLACES[unit.placement[0].name == data.ROJ], "SY"
            elif born >= date(2014, 6, 1):
                if unit.country.code == "IQ" and self._chance(0.5):
                    place, country_of_birth = rng.choice(data.IRAQI_BIRTHPLACES), "IQ"
                else:
                    place, country_of_birth = rng.choice(data.SYRIAN_BIRTHPLACES), "SY"
            else:
                place, country_of_birth = (
                    (rng.choice(unit.country.cities) if unit.country.cities else ""),
                    unit.country.code,
                )
            languages = list(mother.person.languages)
            if "ar" not in languages:
                languages.append("ar")
            child = self._person(
                unit,
                sex=sex,
                born=born,
                is_child=True,
                role="child",
                name=self._child_name(sex, chain, mother_family),
                languages=languages,
                place_of_birth=place if self._chance(0.8) else "",
                country_of_birth=country_of_birth,
                household=unit.household,
            )
            children.append(child)
            self._link(child, mother, Relation.MOTHER, Relation.CHILD, verified=self._chance(0.3))
        # Kunya after the eldest son, or the eldest child.
        eldest = next((c for c in reversed(children) if c.person.sex == Sex.MALE), children[-1] if children else None)
        if eldest is not None:
            self._kunya(mother, names.UMM, _names_of(eldest.person))
        if held_father:
            father = self._father_person(unit, chain, father_country, father_style, children)
            self._link(father, mother, Relation.SPOUSE, Relation.SPOUSE, verified=False)
        self.recent_mothers.setdefault(unit.org.code, []).append((unit, mother))
        del self.recent_mothers[unit.org.code][:-50]

    def _child_births(self, unit: _Unit, mother_born: date, wanted: int) -> list[date]:
        """True dates of birth, youngest first, spaced like siblings, all under 18 today."""
        births: list[date] = []
        day = unit.registration - self._days(30, 1500)
        oldest_allowed = self.today - timedelta(days=int(17.5 * 365.25))
        youngest_mother_age = timedelta(days=16 * 365)
        for _ in range(wanted):
            if day < oldest_allowed or day - mother_born < youngest_mother_age:
                break
            births.append(day)
            day -= self._days(400, 1200)
        if not births:  # a young mother: her only child was born when she was 16 at least
            births.append(
                max(mother_born + youngest_mother_age, oldest_allowed, unit.registration - self._days(30, 200))
            )
            births[0] = min(births[0], unit.registration - timedelta(days=1))
        return births

    def _father_person(
        self, unit: _Unit, chain: dict, country: Country, style: str, children: list[_Member]
    ) -> _Member:
        """The children's father, held in the detention centre; his own case, outside the household."""
        father_name = {"given_name_ar": chain["father"][0], "given_name_lat": chain["father"][1]}
        if chain["grandfather"][1]:
            father_name |= {"father_name_ar": chain["grandfather"][0], "father_name_lat": chain["grandfather"][1]}
        father_name |= {"family_name_ar": chain["family"][0], "family_name_lat": chain["family"][1]}
        eldest_born = min((c.born for c in children), default=unit.registration)
        born = eldest_born - timedelta(days=int(self.rng.triangular(20, 45, 28) * 365.25))
        father = self._person(
            unit,
            sex=Sex.MALE,
            born=born,
            is_child=False,
            role="father",
            name=father_name,
            languages=self._languages(country, style),
            country_of_birth=country.code,
        )
        for child in children:
            self._link(child, father, Relation.FATHER, Relation.CHILD, verified=False)
        eldest = next((c for c in reversed(children) if c.person.sex == Sex.MALE), None)
        if eldest is not None:
            self._kunya(father, names.ABU, _names_of(eldest.person))
        return father

    def _single_adult(self, unit: _Unit, sex: str) -> None:
        female = sex == Sex.FEMALE
        if female:
            unit.household = self._new_household(unit.org) if self._chance(0.5) else None
            unit.placement = self._placement(unit.country)
        else:
            detention = self.facility[data.DETENTION]
            unit.placement = (detention, self.rng.choice(self.sections[data.DETENTION]))
        member = self._add_adult(unit, sex, (19, 58, 30) if female else (18, 60, 30), unit.household)
        if self._chance(0.5 if female else 0.7):
            namesake = _name_parts(self._spell(self.rng.choice(names.MALE_ARABIC), False), ("", ""), ("", ""), ("", ""))
            self._kunya(member, names.UMM if female else names.ABU, namesake)
            if not female and self._chance(0.4):
                nisba = self._nisba(unit.country, unit.style)
                self._alias(
                    member,
                    AliasKind.NOM_DE_GUERRE,
                    f"{names.ABU[1]} {namesake['given_name_lat']} {nisba[1]}",
                    Script.LATIN,
                    armed_group_link=self._chance(0.5),
                )

    def _separated_child(self, unit: _Unit) -> None:
        """An unaccompanied child, or a separated child living with a related caregiver."""
        rng = self.rng
        guardians = [
            g for g in self.recent_mothers.get(unit.org.code, []) if g[0].country is unit.country
        ] or self.recent_mothers.get(unit.org.code, [])
        separated = bool(guardians) and self._chance(0.4)
        guardian_unit, guardian = rng.choice(guardians) if separated else (None, None)
        if guardian_unit is not None:
            unit.household, unit.placement = guardian_unit.household, guardian_unit.placement
            unit.stays = guardian_unit.stays
            unit.country, unit.style = guardian_unit.country, guardian_unit.style
        else:
            unit.placement = self._placement(unit.country)
        sex = Sex.MALE if self._chance(0.55) else Sex.FEMALE
        born = self.today - timedelta(days=rng.randint(4 * 365, 17 * 365))
        born = min(born, unit.registration - timedelta(days=30))
        chain = None if self._chance(0.2) else self._father_chain(unit.country, unit.style)
        nisba = self._nisba(unit.country, unit.style)
        family = chain["family"] if chain else (nisba if unit.style not in names.ARABIC_STYLES else ("", ""))
        child = self._person(
            unit,
            sex=sex,
            born=born,
            is_child=True,
            role="child",
            name=self._child_name(sex, chain, family),
            languages=["ar"] if unit.style in names.ARABIC_STYLES else self._languages(unit.country, unit.style),
            place_of_birth=rng.choice(data.SYRIAN_BIRTHPLACES) if born >= date(2014, 6, 1) else "",
            country_of_birth="SY" if born >= date(2014, 6, 1) else unit.country.code,
            household=unit.household,
        )
        child.person.separation_status = SeparationStatus.SEPARATED if separated else SeparationStatus.UNACCOMPANIED
        child.person.child_protection_notes = rng.choice(data.UASC_NOTES["separated" if separated else "unaccompanied"])
        if guardian is not None:
            self._link(child, guardian, Relation.GUARDIAN, Relation.WARD, verified=False)

    def _link(self, member: _Member, relative: _Member, relation: str, inverse: str, *, verified: bool) -> None:
        """Both directions: `relative` is `member`'s `relation`, and `member` is `relative`'s `inverse`."""
        self.plan.family_links += [
            FamilyLink(person=member.person, relative=relative.person, relation=relation, is_verified=verified),
            FamilyLink(person=relative.person, relative=member.person, relation=inverse, is_verified=verified),
        ]

    # --- Dates of requests ------------------------------------------------------------------------
    # Days between a request's previous status and the given one.
    _GAPS: dict[str, tuple[int, int]] = {
        RS.SUBMITTED: (1, 20),
        RS.ACKNOWLEDGED: (5, 30),
        RS.UNDER_REVIEW: (3, 30),
        RS.INFORMATION_REQUESTED: (10, 60),
        RS.NO_RESPONSE: (90, 120),
        RS.ACCEPTED: (20, 150),
        RS.PARTIALLY_ACCEPTED: (20, 150),
        RS.REFUSED: (20, 150),
        RS.REVIEW_REQUESTED: (5, 25),
        RS.OPERATION_PLANNED: (3, 12),
        RS.COMPLETED: (10, 60),
        RS.PARTIALLY_COMPLETED: (10, 60),
        RS.WITHDRAWN: (20, 300),
        RS.LAPSED: (60, 200),
    }

    def _path_dates(self, path: tuple[str, ...], last: date) -> list[date]:
        """Dates of drafting and of each status of `path`, counted back from the last one."""
        dates = [last]
        for status in reversed(path):
            dates.append(dates[-1] - self._days(*self._GAPS[status]))
        dates.reverse()  # [drafted, path[0], path[1], ...]
        if dates[0] < FIRST_REQUEST:
            shift = FIRST_REQUEST - dates[0]
            dates = [d + shift for d in dates]
        return dates

    def _request_dates(self, scenario: Scenario) -> dict:
        path = scenario.request or ()
        last = self.today - self._days(*scenario.window)
        dates = self._path_dates(path, last)
        result = {"drafted": dates[0], "statuses": list(zip(path, dates[1:], strict=True))}
        for status, day in result["statuses"]:
            result.setdefault(status, day)
        if RS.INFORMATION_REQUESTED in path:
            result["information_due"] = result[RS.INFORMATION_REQUESTED] + timedelta(days=30)
        if RS.REVIEW_REQUESTED in path:
            result["court_set"] = self._between(result[RS.REVIEW_REQUESTED], self.today)
            result["court_due"] = self.today + self._days(1, 60)
        if scenario.name == "operation_planned":
            result["operation"] = self.today + self._days(5, 60)
        elif RS.COMPLETED in path or RS.PARTIALLY_COMPLETED in path:
            result["operation"] = dates[-1]
        elif (
            scenario.name == "accepted" and result[RS.ACCEPTED] <= self.today - timedelta(days=30) and self._chance(0.3)
        ):
            # A handover was planned, then cancelled: the request went back to "accepted".
            scheduled = result[RS.ACCEPTED] + self._days(3, 12)
            cancelled = self._between(scheduled + timedelta(days=5), self.today)
            result["statuses"] += [(RS.OPERATION_PLANNED, scheduled), (RS.ACCEPTED, cancelled)]
            result[RS.OPERATION_PLANNED] = scheduled
            result["cancelled_operation"] = cancelled
        return result

    def _earlier_request_dates(self, before: date) -> dict | None:
        """A request to the same State that went nowhere, before the current one."""
        end = before - timedelta(days=30)
        if (end - FIRST_REQUEST).days < 400:
            return None
        outcome = self.rng.choice(
            [
                (RS.SUBMITTED, RS.NO_RESPONSE, RS.LAPSED),
                (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.WITHDRAWN),
                (*_SENT, RS.REFUSED),
            ]
        )
        dates = self._path_dates(outcome, self._between(FIRST_REQUEST + timedelta(days=400), end))
        result = {"drafted": dates[0], "statuses": list(zip(outcome, dates[1:], strict=True))}
        for status, day in result["statuses"]:
            result.setdefault(status, day)
        return result

    # --- Case statuses ----------------------------------------------------------------------------
    def _statuses(self, unit: _Unit) -> None:
        """Final case status, decision and status path of every member, anchored to the request's dates."""
        scenario = unit.scenario
        left_behind = None
        if scenario.name == "partially_completed":
            candidates = [m for m in unit.members if m.role == "child"] or [
                m for m in unit.members if m.role == "adult"
            ]
            left_behind = candidates[0]
        closure = ""
        if scenario.name == "closed_other":
            closure = self.rng.choices(OTHER_CLOSURES, cum_weights=CLOSURE_CUM)[0]
        for member in unit.members:
            if member.role == "father":
                member.status = self.rng.choice([CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.ON_HOLD])
                member.path = self._early_path(unit, member.status)
                member.on_handover = False
                continue
            adult = member.role == "adult"
            member.status = scenario.adult if adult else scenario.child
            member.decision = scenario.decision_adult if adult else scenario.decision_child
            if member is left_behind:
                member.status, member.on_handover = CS.ACCEPTED, False
            if member.decision in (Decision.REFUSED, Decision.PENDING, Decision.NO_ANSWER):
                member.on_handover = False
            # Members in the same situation move together: one path (and dates) for all of them.
            key = (member.status, member.decision, member.on_handover)
            if key not in unit.paths:
                unit.paths[key] = (self._status_path(unit, member, closure), member.exit_date, member.exit_reason)
            member.path, member.exit_date, member.exit_reason = unit.paths[key]
            if member.status == CS.CLOSED:
                member.person.closure_reason = closure or ClosureReason.REPATRIATED

    def _early_path(self, unit: _Unit, final: str) -> list[tuple[str, date]]:
        steps = {
            CS.REGISTERED: [],
            CS.IDENTITY_IN_PROGRESS: [CS.IDENTITY_IN_PROGRESS],
            CS.NATIONALITY_VERIFICATION: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION],
            CS.ASSESSMENT: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.ASSESSMENT],
            CS.READY_FOR_REQUEST: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.READY_FOR_REQUEST],
        }
        if final in steps:
            path = list(steps[final])
        else:  # on hold or closed from an early stage
            path = [*[CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION][: self.rng.randint(0, 2)], final]
        if CS.READY_FOR_REQUEST in path and self._chance(0.5):
            path.insert(path.index(CS.READY_FOR_REQUEST), CS.ASSESSMENT)
        return self._spread(unit.registration, [(s, None) for s in path], self.today)

    def _status_path(self, unit: _Unit, member: _Member, closure: str) -> list[tuple[str, date]]:
        scenario, dates = unit.scenario, unit.dates
        if scenario.request is None:
            return self._early_path(unit, member.status)
        first = self._between(unit.registration, dates["drafted"] - timedelta(days=1))
        steps: list[tuple[str, date | None]] = [
            (CS.IDENTITY_IN_PROGRESS, None),
            (CS.NATIONALITY_VERIFICATION, None),
        ]
        if self._chance(0.5):
            steps.append((CS.ASSESSMENT, None))
        steps.append((CS.READY_FOR_REQUEST, max(first, dates["drafted"] - self._days(0, 10))))
        if scenario.name == "draft":
            return self._spread(unit.registration, steps, self.today)
        steps.append((CS.REQUEST_PENDING, dates[RS.SUBMITTED]))
        decided = next((day for status, day in dates["statuses"] if status in DECISIONS), None)
        refused = member.decision == Decision.REFUSED
        name = scenario.name
        if name == "lapsed":
            steps.append((CS.READY_FOR_REQUEST, dates[RS.LAPSED]))
        elif name == "withdrawn":
            steps.append((CS.ON_HOLD, dates[RS.WITHDRAWN]))
        elif decided is not None:
            steps.append((CS.REFUSED if refused else CS.ACCEPTED, decided))
            if name == "review_requested":
                steps.append((CS.REQUEST_PENDING, dates[RS.REVIEW_REQUESTED]))
            elif not refused and RS.OPERATION_PLANNED in dates:
                steps.append((CS.HANDOVER_SCHEDULED, dates[RS.OPERATION_PLANNED]))
                if "cancelled_operation" in dates:
                    steps.append((CS.ACCEPTED, dates["cancelled_operation"]))
                elif member.status == CS.ACCEPTED:  # left behind on a partially completed handover
                    steps.append((CS.ACCEPTED, dates["operation"]))
                elif name != "operation_planned":
                    operation = dates["operation"]
                    steps.append((CS.HANDED_OVER, operation))
                    member.exit_date, member.exit_reason = operation, TransferReason.HANDOVER
                    if member.status in (CS.REPATRIATED, CS.CLOSED):
                        arrived = min(self.today, operation + self._days(1, 5))
                        steps.append((CS.REPATRIATED, arrived))
                        if member.status == CS.CLOSED:
                            steps.append((CS.CLOSED, min(self.today, arrived + self._days(30, 300))))
        return self._spread(unit.registration, steps, self.today)

    def _spread(self, start: date, steps: list[tuple[str, date | None]], end: date) -> list[tuple[str, date]]:
        """Fill in the dates of steps that have none, evenly between their dated neighbours."""
        result: list[tuple[str, date]] = []
        previous = start
        pending: list[str] = []
        for status, day in [*steps, ("", None)]:
            if day is None and status:
                pending.append(status)
                continue
            if not status:  # end of the path: undated steps end somewhere before today
                if not pending:
                    break
                day = self._between(previous + timedelta(days=7 * len(pending)), end)
            day = max(day, previous)
            gap = (day - previous).days
            for n, waiting in enumerate(pending, start=1):
                result.append((waiting, previous + timedelta(days=gap * n // (len(pending) + 1))))
            pending = []
            if status:
                result.append((status, day))
            previous = day
        return [(status, min(day, end)) for status, day in result]

    def _case_history(self, unit: _Unit, member: _Member) -> None:
        person = member.person
        path = member.path
        if member.role != "father" and path:
            member.status = path[-1][0]
        person.status = member.status if path else CS.REGISTERED
        registered_at = self._at(unit.registration)
        person.created_at = registered_at
        old = CS.REGISTERED
        last_day, last_at = unit.registration, registered_at
        for status, day in path:
            note = ""
            if status == CS.ON_HOLD:
                note = self.rng.choice(data.ON_HOLD_NOTES)
            elif status == CS.CLOSED:
                if not person.closure_reason:
                    person.closure_reason = self.rng.choice(OTHER_CLOSURES)
                note = data.CLOSURE_NOTES[person.closure_reason]
            last_at = max(self._at(day), last_at + timedelta(minutes=1))  # two steps on one day stay in order
            self.plan.person_status_changes.append(
                PersonStatusChange(
                    person=person,
                    old_status=old,
                    new_status=status,
                    actor=unit.assignee,
                    note=note,
                    created_at=last_at,
                )
            )
            old, last_day = status, day
        person.status_changed_at = last_at
        # Some cases were touched since; others have been idle for months (inactivity reminders).
        touched = self._between(last_day, min(self.today, last_day + timedelta(days=120)))
        person.updated_at = max(person.status_changed_at, self._at(touched))
        if person.status == CS.CLOSED:
            reason = person.closure_reason
            if reason == ClosureReason.DECEASED:
                person.date_of_death = max(unit.registration, last_day - self._days(0, 10))
                member.exit_date, member.exit_reason = person.date_of_death, TransferReason.OTHER
            elif reason == ClosureReason.LOST_CONTACT:
                person.whereabouts_unknown = True
            elif reason in LEFT_CUSTODY:
                member.exit_date, member.exit_reason = last_day, TransferReason.OTHER
        elif self._chance(0.004):
            person.whereabouts_unknown = True

    # --- Custody, claims, documents, screenings, assessments ---------------------------------------
    def _family_stays(self, unit: _Unit) -> list[tuple]:
        """Where the unit lived since it arrived: (facility, section, from, reason, block and tent), shared
        by the mother and her children."""
        if unit.stays is not None:
            return unit.stays
        facility, section = unit.placement
        start = unit.arrival
        stays = []
        if facility.name == data.ROJ and unit.country.code in WESTERN and self._chance(0.4):
            # Many foreigners were moved from the al-Hol Annex to Roj.
            moved = self._between(date(2021, 1, 1), date(2023, 6, 30))
            if moved > start:
                stays.append((self.facility[data.AL_HOL], self.annex, start, TransferReason.INITIAL))
                stays.append((facility, section, moved, TransferReason.TRANSFER))
        elif facility.name == data.AL_HOL and section is not self.annex and self._chance(0.12):
            moved = self._between(start + timedelta(days=60), self.today - timedelta(days=30))
            if moved > start:
                stays.append((facility, self.rng.choice(self.al_hol_phases), start, TransferReason.INITIAL))
                stays.append((facility, section, moved, TransferReason.SECURITY))
        if not stays:
            stays.append((facility, section, start, TransferReason.INITIAL))
        unit.stays = [(*stay, self._exact_location(stay[0])) for stay in stays]
        return unit.stays

    def _custody(self, unit: _Unit, member: _Member) -> None:
        person = member.person
        start = max(unit.arrival, member.born)
        stays: list[tuple] = []
        if unit.placement[0].kind == Facility.Kind.DETENTION_CENTRE:  # a single man
            facility, section = unit.placement
            stays.append((facility, section, unit.arrival, TransferReason.INITIAL, self._exact_location(facility)))
        elif member.role == "father":
            facility, section = self.facility[data.DETENTION], self.rng.choice(self.sections[data.DETENTION])
            stays.append((facility, section, unit.arrival, TransferReason.INITIAL, self._exact_location(facility)))
        else:
            for facility, section, begin, reason, location in self._family_stays(unit):
                if begin <= start:  # joined the family here (arrived with it, or born here)
                    stays = [(facility, section, start, TransferReason.INITIAL, location)]
                else:
                    stays.append((facility, section, begin, reason, location))
            if member.is_child and person.sex == Sex.MALE:
                twelve = _birthday(member.born, 12)
                if twelve <= self.today - timedelta(days=1):
                    # Boys of about 12 are moved out of the camps to a rehabilitation centre.
                    centre = self.facility[data.HOURI if self._chance(0.5) else data.ORKESH]
                    moved = max(twelve + self._days(0, 120), start + timedelta(days=1))
                    if moved < self.today:
                        stays.append((centre, None, moved, TransferReason.AGE_TRANSFER, self._exact_location(centre)))
        if person.medical_urgent and member.exit_date is None and self._chance(0.5):
            hospital = self.facility[data.HOSPITAL]
            admitted = self.today - self._days(1, 40)
            stays.append((hospital, None, admitted, TransferReason.MEDICAL, self._exact_location(hospital)))
        stays.sort(key=lambda s: s[2])
        # Two moves on the same day: only the later one counts.
        stays = [s for n, s in enumerate(stays) if n + 1 == len(stays) or stays[n + 1][2] > s[2]]
        if member.exit_date is not None:
            stays = [s for s in stays if s[2] < member.exit_date] or stays[:1]
        for n, (facility, section, begin, reason, location) in enumerate(stays):
            last = n + 1 == len(stays)
            end = member.exit_date if last else stays[n + 1][2] - timedelta(days=1)
            if end is not None and end < begin:
                end = begin
            handed_over = last and end is not None and member.exit_reason == TransferReason.HANDOVER
            self.plan.custody_periods.append(
                CustodyPeriod(
                    person=person,
                    facility=facility,
                    section=section,
                    exact_location=location,
                    start_date=begin,
                    end_date=end,
                    transfer_reason=reason,
                    notes="Handed over to the home State's delegation." if handed_over else "",
                )
            )

    def _exact_location(self, facility: Facility) -> str:
        rng = self.rng
        if facility.kind == Facility.Kind.CAMP:
            return f"Block {rng.randint(1, 40)}, tent {rng.randint(1, 250)}"
        if facility.kind == Facility.Kind.HOSPITAL:
            return f"Ward {rng.randint(1, 8)}"
        return f"Room {rng.randint(1, 120)}"

    def _claims(self, unit: _Unit, member: _Member) -> None:
        scenario = unit.scenario
        if member.role == "father":
            group = "nationality"
        elif scenario.name in CLAIM_GROUP:
            group = CLAIM_GROUP[scenario.name]
        elif member.decision == Decision.REFUSED:
            group = "mother_refused"
        elif member.decision in (Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED):
            group = "confirmed"
        else:
            group = "pending"
        status = self._weighted(CLAIM_STATUS_WEIGHTS[group])
        claimed = min(self.today, unit.registration + self._days(0, 30))
        changed = None if status == ClaimStatus.CLAIMED else self._between(claimed, self.today)
        risk = status in (ClaimStatus.DEPRIVED, ClaimStatus.NOT_CONFIRMED) and self._chance(0.7)
        if member.is_child and member.person.country_of_birth == "SY" and self._chance(0.05):
            risk = True
        basis = (
            ClaimBasis.PARENT
            if member.is_child
            else self._weighted([(ClaimBasis.DOCUMENTS, 40), (ClaimBasis.DECLARATION, 60)])
        )
        self.plan.claims.append(
            NationalityClaim(
                person=member.person,
                country=unit.country.code,
                basis=basis,
                status=status,
                is_primary=True,
                statelessness_risk=risk,
                claimed_on=claimed,
                status_changed_on=changed,
            )
        )
        second = ""
        father_country = unit.father_country
        if member.is_child and father_country is not None and father_country.code != unit.country.code:
            second = father_country.code
        elif not member.is_child and unit.style in data.HERITAGE_NATIONALITY and self._chance(0.4):
            second = self.rng.choice(data.HERITAGE_NATIONALITY[unit.style])
        if second and second != unit.country.code:
            self.plan.claims.append(
                NationalityClaim(
                    person=member.person,
                    country=second,
                    basis=ClaimBasis.PARENT if member.is_child else ClaimBasis.DOCUMENTS,
                    status=self._weighted(
                        [
                            (ClaimStatus.CLAIMED, 50),
                            (ClaimStatus.UNDER_VERIFICATION, 35),
                            (ClaimStatus.NOT_CONFIRMED, 15),
                        ]
                    ),
                    is_primary=False,
                    claimed_on=claimed,
                )
            )

    def _documents(self, unit: _Unit, member: _Member) -> None:
        rng, today = self.rng, self.today
        code = unit.country.code
        seen = min(today, unit.registration + self._days(0, 200))
        if self._chance(0.55 if not member.is_child else 0.3):
            if member.is_child:
                kind = self._weighted(
                    [
                        (DocumentType.BIRTH_CERTIFICATE, 65),
                        (DocumentType.FAMILY_BOOK, 15),
                        (DocumentType.OTHER, 15),
                        (DocumentType.PASSPORT, 5),
                    ]
                )
            else:
                kind = self._weighted(
                    [
                        (DocumentType.PASSPORT, 45),
                        (DocumentType.NATIONAL_ID, 35),
                        (DocumentType.FAMILY_BOOK, 8),
                        (DocumentType.MARRIAGE_CERTIFICATE, 7),
                        (DocumentType.OTHER, 5),
                    ]
                )
            issued = self._between(max(member.born, date(2005, 1, 1)), min(seen, date(2016, 12, 31)))
            expires = None
            if kind in (DocumentType.PASSPORT, DocumentType.NATIONAL_ID):
                expires = issued + timedelta(days=(5 if member.is_child else 10) * 365)
                if self._chance(0.1):  # expiring soon: a reminder before a handover
                    expires = today + self._days(5, 45)
            number = ""
            if kind == DocumentType.PASSPORT:
                number = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000000, 9999999)}"
            elif kind == DocumentType.NATIONAL_ID:
                number = str(rng.randint(10**8, 10**12))
            elif kind in (DocumentType.BIRTH_CERTIFICATE, DocumentType.FAMILY_BOOK, DocumentType.MARRIAGE_CERTIFICATE):
                number = f"{rng.randint(1000, 999999)}/{issued.year}"
            issued_by = "" if kind == DocumentType.OTHER else code
            if kind == DocumentType.BIRTH_CERTIFICATE and member.person.country_of_birth == "SY":
                issued_by = "SY"
            self.plan.documents.append(
                IdentityDocument(
                    person=member.person,
                    document_type=kind,
                    number=number,
                    issuing_country=issued_by,
                    issued_on=None if kind == DocumentType.OTHER else issued,
                    expires_on=expires,
                    is_copy=self._chance(0.3),
                    seen_on=seen,
                    notes=data.DOCUMENT_NOTES.get(kind, ""),
                )
            )
        if member.on_handover and "operation" in unit.dates and self._chance(0.6):
            # Emergency travel document (or laissez-passer) issued for the handover; others travel on a passport.
            operation = unit.dates["operation"]
            issued = min(today, operation - self._days(5, 30))
            expires = operation + self._days(-10, 60) if operation > today else issued + self._days(30, 90)
            self.plan.documents.append(
                IdentityDocument(
                    person=member.person,
                    document_type=DocumentType.LAISSEZ_PASSER
                    if self._chance(0.2)
                    else DocumentType.EMERGENCY_TRAVEL_DOCUMENT,
                    number=f"ETD{rng.randint(100000, 999999)}",
                    issuing_country=code,
                    issued_on=issued,
                    expires_on=max(expires, issued),
                    seen_on=issued,
                )
            )
        # DNA tests, to prove the link between a child and a national parent.
        wants_dna = member.is_child and unit.scenario.name not in ("registered", "identity")
        if wants_dna and self._chance(0.08 if code == "IQ" else 0.3):
            requested = self._between(unit.registration + timedelta(days=30), today)
            sampled = requested + self._days(10, 90)
            sampled = sampled if sampled <= today and self._chance(0.8) else None
            received = sampled + self._days(20, 150) if sampled else None
            received = received if received and received <= today and self._chance(0.7) else None
            if self._chance(0.15) and unit.registration < today - timedelta(days=130):
                # Sampled about six weeks ago, no result yet: the 45-day reminder is about to fall due.
                requested, sampled, received = today - self._days(70, 120), today - self._days(38, 55), None
            outcome = DnaOutcome.PENDING
            if received:
                outcome = self._weighted(
                    [(DnaOutcome.MATCH, 85), (DnaOutcome.NO_MATCH, 5), (DnaOutcome.INCONCLUSIVE, 10)]
                )
            self.plan.dna_tests.append(
                DnaTest(
                    person=member.person,
                    requested_by=f"Ministry of Foreign Affairs ({countries.name(code)})",
                    requesting_country=code,
                    compared_with=rng.choice(data.DNA_COMPARED_WITH),
                    laboratory=rng.choice(data.DNA_LABORATORIES),
                    requested_on=requested,
                    sampled_on=sampled,
                    result_received_on=received,
                    outcome=outcome,
                )
            )

    def _screenings(self, unit: _Unit, member: _Member) -> None:
        """Adults are screened when they come out, some again later; boys when they are separated."""
        if member.is_child and not (member.person.sex == Sex.MALE and _birthday(member.born, 12) < self.today):
            return
        if member.is_child:
            outcomes = [("separated", 70), ("cleared", 20), ("referred", 10)]
            first = max(unit.arrival, _birthday(member.born, 12))
        elif member.person.sex == Sex.MALE:
            outcomes = [("detained", 60), ("referred", 20), ("cleared", 10), ("pending", 10)]
            first = unit.arrival
        else:
            outcomes = [("cleared", 65), ("referred", 20), ("pending", 10), ("detained", 5)]
            first = unit.arrival
        days = [min(self.today, first + self._days(0, 10))]
        if self._chance(0.4):
            days.append(self._between(days[0] + timedelta(days=60), self.today))
        for day in days:
            at_al_hol = self._chance(0.6)
            outcome = self._weighted(outcomes)
            authority = self.aanes
            if at_al_hol and day >= data.AL_HOL_HANDOVER:
                authority = self.syrian_government
            self.plan.screenings.append(
                Screening(
                    person=member.person,
                    screened_on=day,
                    authority=authority,
                    screened_by=self.rng.choice(data.SCREENED_BY[authority.name]),
                    facility=self.facility[data.AL_HOL] if at_al_hol else None,
                    location="" if at_al_hol else self.rng.choice(data.SCREENING_PLACES),
                    outcome=outcome,
                    findings=data.SCREENING_FINDINGS[outcome],
                    recorded_by=unit.assignee,
                )
            )

    def _assessments(self, unit: _Unit, member: _Member) -> None:
        person = member.person

        def add(kind: str, findings_key: str = "", **extra) -> None:
            assessed = min(self.today, unit.registration + self._days(10, 400))
            valid_until = assessed + timedelta(days=365) if kind in ("bia", "bid") else None
            self.plan.assessments.append(
                Assessment(
                    person=person,
                    kind=kind,
                    assessed_on=assessed,
                    assessed_by=data.ASSESSORS[kind],
                    valid_until=valid_until,
                    findings=data.ASSESSMENT_FINDINGS[findings_key or kind],
                    **extra,
                )
            )

        if person.separation_status != SeparationStatus.NONE:
            add(AssessmentKind.BIA)
            if self._chance(0.4):
                add(AssessmentKind.BID)
        elif member.is_child and unit.scenario.name in ("partially_accepted", "children_only") and self._chance(0.5):
            add(AssessmentKind.BIA)
        if member.role == "adult" and unit.scenario.name in ("partially_accepted", "children_only"):
            consent = unit.scenario.name == "children_only" or self._chance(0.7)
            add(AssessmentKind.CONSENT, "consent" if consent else "consent_refused", consent_given=consent)
        if person.medical_urgent or (person.has_medical_condition and self._chance(0.5)):
            add(AssessmentKind.MEDICAL)
        if member.role == "adult" and person.sex == Sex.FEMALE and len(unit.members) >= 4 and self._chance(0.2):
            add(AssessmentKind.VULNERABILITY)
        if member.role == "adult" and unit.country.code in WESTERN and self._chance(0.1):
            add(AssessmentKind.LEGAL_REPRESENTATION, legal_representative=self.rng.choice(data.LAWYERS))

    # --- Requests and handovers -------------------------------------------------------------------
    def _requests(self, unit: _Unit) -> None:
        covered = [m for m in unit.members if m.role != "father"]
        if unit.earlier:
            earlier = unit.earlier
            final = earlier["statuses"][-1][0]
            decision = {RS.LAPSED: Decision.NO_ANSWER, RS.REFUSED: Decision.REFUSED}.get(final, Decision.PENDING)
            self._request(unit, earlier, covered, lambda m, d=decision: d)
        request = self._request(unit, unit.dates, covered, lambda m: m.decision)
        dates = unit.dates
        if "operation" in dates or "cancelled_operation" in dates:
            self._handover(unit, request, covered)

    def _request(self, unit: _Unit, dates: dict, covered: list[_Member], decision_of: Callable) -> GovernmentRequest:
        org, code = unit.org, unit.country.code
        statuses: list[tuple[str, date]] = dates["statuses"]
        status = statuses[-1][0] if statuses else RS.DRAFT
        self.request_seq[org.code] += 1
        authorities = self.state_authorities[code]
        submitted = dates.get(RS.SUBMITTED)
        acknowledged = dates.get(RS.ACKNOWLEDGED)
        decided = next((day for s, day in statuses if s in DECISIONS), None)
        partial = any(s == RS.PARTIALLY_ACCEPTED for s, _day in statuses)
        answer_due = None
        if status == RS.INFORMATION_REQUESTED:
            answer_due = dates["information_due"]
        elif status == RS.REVIEW_REQUESTED:
            answer_due = dates["court_due"]
        elif status in (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.UNDER_REVIEW):
            answer_due = (acknowledged or submitted) + timedelta(days=60)
        drafted = dates["drafted"]
        created = self._at(drafted)
        request = GovernmentRequest(
            organisation=org,
            reference=f"REQ-{drafted.year}-{self.request_seq[org.code]:06d}",
            authority=authorities[0] if len(authorities) == 1 or self._chance(0.7) else authorities[1],
            channel=self._weighted(
                [
                    (Channel.EMAIL, 50),
                    (Channel.NOTE_VERBALE, 25),
                    (Channel.LETTER, 10),
                    (Channel.DELEGATION_MEETING, 10),
                    (Channel.THIRD_STATE, 5),
                ]
            ),
            status=status,
            status_changed_at=created,
            drafted_on=drafted,
            submitted_on=submitted,
            acknowledged_on=acknowledged,
            answer_due_on=answer_due,
            decided_on=decided,
            notes=f"Covers household {unit.household.reference}." if unit.household else "",
            created_by=unit.assignee,
            created_at=created,
            updated_at=created,
        )
        self.plan.requests.append(request)
        for member in covered:
            decision = decision_of(member)
            answered = decision in (Decision.ACCEPTED, Decision.REFUSED, Decision.PARTIALLY_ACCEPTED)
            note = (
                "Children accepted; the mother's case is refused." if partial and decision == Decision.REFUSED else ""
            )
            self.plan.requested_persons.append(
                RequestedPerson(
                    request=request,
                    person=member.person,
                    decision=decision,
                    decided_on=decided if answered else None,
                    decision_note=note,
                )
            )
        old, at = RS.DRAFT, request.created_at
        for new, day in statuses:
            at = max(self._at(day), at + timedelta(minutes=1))
            self.plan.request_status_changes.append(
                RequestStatusChange(request=request, old_status=old, new_status=new, actor=unit.assignee, created_at=at)
            )
            old = new
        request.status_changed_at = request.updated_at = at
        self._events(unit, request, dates, statuses, decided)
        return request

    def _events(
        self, unit: _Unit, request: GovernmentRequest, dates: dict, statuses: list, decided: date | None
    ) -> None:
        def event(kind: str, day: date, due: date | None = None, text: str = "") -> None:
            at = self._at(day)
            self.plan.request_events.append(
                RequestEvent(
                    request=request,
                    kind=kind,
                    occurred_on=day,
                    due_on=due,
                    description=text or data.EVENT_TEXTS[kind],
                    created_by=unit.assignee,
                    created_at=at,
                    updated_at=at,
                )
            )

        status = statuses[-1][0] if statuses else RS.DRAFT
        if RS.SUBMITTED in dates:
            event(EventKind.SUBMITTED, dates[RS.SUBMITTED])
        if RS.ACKNOWLEDGED in dates:
            event(EventKind.ACKNOWLEDGED, dates[RS.ACKNOWLEDGED])
        if RS.INFORMATION_REQUESTED in dates:
            event(EventKind.INFORMATION_REQUESTED, dates[RS.INFORMATION_REQUESTED], dates["information_due"])
        if status in (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.UNDER_REVIEW, RS.NO_RESPONSE, RS.LAPSED):
            # One follow-up a month while the State does not answer, at most three.
            day = statuses[0][1] + timedelta(days=30)
            for _ in range(3):
                if day >= self.today:
                    break
                event(EventKind.FOLLOW_UP, day)
                day += timedelta(days=30)
        if decided is not None:
            outcome = next(s for s, _d in statuses if s in DECISIONS)
            text = {
                RS.ACCEPTED: "Decision received: all persons accepted.",
                RS.PARTIALLY_ACCEPTED: "Decision received: the children are accepted, the mother is refused.",
                RS.REFUSED: "Decision received: refused.",
            }[outcome]
            event(EventKind.ANSWER, decided, text=text)
        if RS.REVIEW_REQUESTED in dates:
            event(EventKind.APPEAL, dates[RS.REVIEW_REQUESTED], dates["court_due"])
            event(EventKind.COURT_DEADLINE, dates["court_set"], dates["court_due"])
        if RS.OPERATION_PLANNED in dates:
            event(EventKind.NOTE, dates[RS.OPERATION_PLANNED])
        if RS.WITHDRAWN in dates:
            event(EventKind.NOTE, dates[RS.WITHDRAWN], text="Request withdrawn at the family's wish.")

    def _handover(self, unit: _Unit, request: GovernmentRequest, covered: list[_Member]) -> None:
        dates, code = unit.dates, unit.country.code
        if "cancelled_operation" in dates:
            status, planned = HandoverStatus.CANCELLED, dates["cancelled_operation"]
        elif unit.scenario.name == "operation_planned":
            status, planned = HandoverStatus.PLANNED, dates["operation"]
        else:
            status, planned = HandoverStatus.COMPLETED, dates["operation"]
        places = data.HANDOVER_PLACES
        operation = HandoverOperation(
            organisation=unit.org,
            request=request,
            receiving_country=code,
            planned_on=planned,
            place=places["IQ"] if code == "IQ" else self.rng.choice(places["default"]),
            receiving_delegation=f"Delegation of the Ministry of Foreign Affairs ({countries.name(code)})",
            status=status,
            handover_document=DEMO_DOCUMENT if status == HandoverStatus.COMPLETED else "",
            document_signed_on=planned if status == HandoverStatus.COMPLETED else None,
            notes="Operation cancelled; a new date is to be agreed." if status == HandoverStatus.CANCELLED else "",
        )
        self.plan.handovers.append(operation)
        for member in covered:
            if member.decision not in (Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED):
                continue
            handed = status == HandoverStatus.COMPLETED and member.on_handover
            self.plan.handover_persons.append(
                HandoverPerson(operation=operation, person=member.person, handed_over=handed)
            )


def _name_parts(
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


def _names_of(person: Person) -> dict[str, str]:
    return {"given_name_ar": person.given_name_ar, "given_name_lat": person.given_name_lat}


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _correspondence_language(country: Country) -> str:
    if country.language in ("ar", "fr", "de", "nl", "tr", "es", "it", "pt", "ru"):
        return country.language
    if country.code in ("KZ", "TJ", "UZ", "KG", "TM", "AZ", "BY", "UA"):
        return "ru"
    return "en"


# --- Writing ------------------------------------------------------------------------------------


def has_case_data() -> bool:
    """Whether the database already holds persons, households or requests."""
    return Person.objects.exists() or Household.objects.exists() or GovernmentRequest.objects.exists()


def _case_data_models() -> list[type[models.Model]]:
    """Every model that holds case data: the people, screenings and govrequests apps (their history
    tables included) and any model elsewhere with a foreign key to one of them. Reference data
    (facilities, organisations, users, government authorities) is kept."""
    from django.apps import apps

    keep = {GovernmentAuthority, GovernmentAuthority.history.model}
    found = [
        m for m in apps.get_models() if m._meta.app_label in ("people", "screenings", "govrequests") and m not in keep
    ]
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found or model in keep:
                continue
            if any(f.many_to_one and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                changed = True
    return found


def delete_case_data() -> int:
    """Delete every person and everything attached to them, households, requests and handovers.

    Plain DELETE statements (foreign keys are checked at commit, so the order does not matter): the
    ORM's cascade would load every row and write a deletion row into each history table.
    """
    deleted = 0
    with transaction.atomic():
        tables = set(connection.introspection.table_names())
        # Follow-up letters to authorities list persons: they go with the disclosures that point to them.
        letters = []
        if Disclosure._meta.db_table in tables:
            letters = list(Disclosure.objects.exclude(outbound_message=None).values_list("outbound_message", flat=True))
        for model in _case_data_models():
            if model._meta.db_table in tables:  # an app whose migrations have not run yet has no table
                deleted += model._base_manager.all()._raw_delete(model._base_manager.db)
        if letters:
            deleted += OutboundMessage.objects.filter(pk__in=letters)._raw_delete(OutboundMessage.objects.db)
        Organisation.objects.update(last_case_number=0)
    return deleted


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at we set: seeded cases have a past, not "now"."""
    switched = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _adopt_or_create(model: type[models.Model], objects: list, key: Callable) -> int:
    """Insert the objects whose natural key is not in the table yet; give the others the existing pk."""
    existing = {key(row): row.pk for row in model._base_manager.all()}
    new = []
    for obj in objects:
        pk = existing.get(key(obj))
        if pk is None:
            new.append(obj)
        else:
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = "default"
    model._base_manager.bulk_create(new, batch_size=BATCH_SIZE)
    return len(new)


def _ensure_demo_document() -> None:
    if not default_storage.exists(DEMO_DOCUMENT):
        default_storage.save(DEMO_DOCUMENT, ContentFile(_placeholder_pdf()))


def _placeholder_pdf() -> bytes:
    """A one-page PDF that says it is a synthetic demo document."""
    text = b"BT /F1 18 Tf 72 720 Td (Synthetic demo document - not a real handover document) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_plan(plan: Plan, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Insert the plan in one transaction; reference rows that already exist are reused. Returns row counts."""
    counts: dict[str, int] = {}

    def step(label: str, run: Callable[[], int]) -> None:
        started = timer.monotonic()
        counts[label] = run()
        log(f"  {label:<24} {counts[label]:>9,}  {timer.monotonic() - started:6.1f} s")

    with (
        transaction.atomic(),
        _explicit_timestamps(Person, PersonStatusChange, GovernmentRequest, RequestEvent, RequestStatusChange),
    ):
        step(
            "controlling authorities",
            lambda: _adopt_or_create(ControllingAuthority, plan.controlling_authorities, lambda o: o.name),
        )
        new_facilities: list[Facility] = []

        def facilities() -> int:
            existing = set(Facility.objects.values_list("name", flat=True))
            new_facilities.extend(f for f in plan.facilities if f.name not in existing)
            _adopt_or_create(Facility, plan.facilities, lambda o: o.name)
            _adopt_or_create(FacilitySection, plan.sections, lambda o: (o.facility_id or o.facility.pk, o.name))
            # Control history only for facilities created now: an existing facility keeps its own.
            periods = [p for p in plan.control_periods if p.facility in new_facilities]
            FacilityControlPeriod.objects.bulk_create(periods)
            return len(new_facilities)

        step("facilities", facilities)
        offsets: dict[str, int] = {}

        def organisations() -> int:
            existing = {o.code: o for o in Organisation.objects.all()}
            for org in plan.organisations:
                offsets[org.code] = existing[org.code].last_case_number if org.code in existing else 0
            return _adopt_or_create(Organisation, plan.organisations, lambda o: o.code)

        step("organisations", organisations)
        # Continue an organisation's numbering if it handed out case numbers before (none on a fresh database).
        for person in plan.persons:
            offset = offsets[person.organisation.code]
            if offset:
                code, number = person.case_number.rsplit("-", 1)
                person.case_number = f"{code}-{int(number) + offset:06d}"
        step("users", lambda: _save_users(plan))
        step(
            "government authorities",
            lambda: _adopt_or_create(GovernmentAuthority, plan.gov_authorities, lambda o: (str(o.country), o.name)),
        )
        for label, objects in plan.case_data():
            step(
                label,
                lambda objects=objects: (
                    len(objects[0]._meta.model.objects.bulk_create(objects, batch_size=BATCH_SIZE)) if objects else 0
                ),
            )
        for org in plan.organisations:
            Organisation.objects.filter(pk=org.pk).update(
                last_case_number=offsets[org.code] + plan.case_counts.get(org.code, 0)
            )
        if plan.handovers:
            _ensure_demo_document()
    return counts


def _save_users(plan: Plan) -> int:
    """Create the demo users that do not exist yet (existing accounts are left as they are)."""
    existing = set(
        User.objects.filter(username__in=[u.username for u in plan.users]).values_list("username", flat=True)
    )
    new = [u for u in plan.users if u.username not in existing]
    if new:
        # Hashing is slow on purpose: hash once, share the hash.
        password = make_password(DEMO_PASSWORD)
        for account in new:
            account.password = password
    _adopt_or_create(User, plan.users, lambda o: o.username)
    if Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() != len(roles.ROLE_PERMISSIONS):
        roles.sync_roles()
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    memberships = [
        User.groups.through(user_id=u.pk, group_id=groups[plan.roles[u.username]].pk)
        for u in new
        if u.username in plan.roles
    ]
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
    sensitive = Permission.objects.get(content_type__app_label="accounts", codename="view_sensitive_data")
    User.user_permissions.through.objects.bulk_create(
        [
            User.user_permissions.through(user_id=u.pk, permission_id=sensitive.pk)
            for u in new
            if u.username in plan.sensitive_users
        ],
        ignore_conflicts=True,
    )
    return len(new)

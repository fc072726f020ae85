"""The nightly summary's counts for every filter value of one organisation at once (issue 14).

The dashboard's filters narrow its persons to a *slice*: all of them, those held at a facility or
section now, those with a nationality claim for a State, or a place and a State together (see
`slice_key`). Counting each slice live (`counts.count_live`) costs a dozen scans of the organisation
per slice, and there are hundreds of place × State slices. Instead each figure's *facts* are read
once for all the organisation's persons (a row per person, status change, covered person, handover
...), and each fact is counted in every slice its person belongs to: a constant number of queries
per organisation, whatever the number of slices.

The facts are read with the live count's own conditions (`counts`: overdue requests, coming of age
and the States' age limits, split families), so that the summary's figures are the live ones; the
agreement tests (tests/reports/test_dashboard_slices.py) compare them slice by slice.

Flows are kept by day (decisions, delays, handovers, repatriations) and the caseload by month as the
statuses now and each month's flow, so that any period, ending on any day, is read from the summary.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate

from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, Decision, HandoverStatus
from casework.govrequests.models import GovernmentRequest, HandoverPerson, RequestedPerson
from casework.govrequests.selectors import overdue_condition
from casework.people.choices import CaseStatus
from casework.people.models import CustodyPeriod, NationalityClaim, Person, PersonStatusChange
from casework.reports.dashboard.counts import (
    DECIDED,
    coming_of_age_conditions,
    open_children,
    splitting_requests,
)

# Rows of facts are streamed from the database in chunks of this many.
CHUNK = 20_000


def slice_key(location: str = "", nationality: str = "") -> str:
    """The summary's key of a dashboard filter: "" for none, the location ("f:<facility public id>" or
    "s:<section public id>"), "n:<State>" for a nationality, "<location> n:<State>" for both."""
    return " ".join(part for part in (location, f"n:{nationality}" if nationality else "") if part)


@dataclass
class Tally:
    """One slice's counts, as the summary stores them (see `summary._rows`)."""

    now: Counter = field(default_factory=Counter)  # status: persons now
    flows: defaultdict = field(default_factory=lambda: defaultdict(Counter))  # month: status: net change
    waiting: defaultdict = field(default_factory=lambda: defaultdict(set))  # State: waiting persons' ids
    late: defaultdict = field(default_factory=lambda: defaultdict(set))  # State: ids of those on an overdue request
    delayed: set = field(default_factory=set)  # ids of requests sent and decided covering a person of the slice
    decisions: Counter = field(default_factory=Counter)  # (State, day, decision): persons
    handed: Counter = field(default_factory=Counter)  # day: persons handed over
    repatriated: Counter = field(default_factory=Counter)  # day: cases moved to repatriated
    coming_of_age: Counter = field(default_factory=Counter)  # (State, "adults" or "limit"): claims or persons
    split: set = field(default_factory=set)  # ids of requests that would split a family


class Slices:
    """Which slices each person of `persons` belongs to (two queries), persons grouped by the same slices.

    Additive counts are first summed per group (`signature`) and then added to each of its slices,
    so that a fact costs one addition whatever the number of its person's slices.
    """

    def __init__(self, persons: QuerySet[Person]) -> None:
        in_scope = persons.values("pk")
        locations: dict[int, set[str]] = defaultdict(set)
        places = CustodyPeriod.objects.filter(person__in=in_scope, end_date__isnull=True).order_by()
        for person_id, facility, section in places.values_list(
            "person_id", "facility__public_id", "section__public_id"
        ):
            locations[person_id].add(f"f:{facility}")
            if section is not None:
                locations[person_id].add(f"s:{section}")
        states: dict[int, set[str]] = defaultdict(set)
        claims = NationalityClaim.objects.filter(person__in=in_scope).order_by().values_list("person_id", "country")
        for person_id, country in claims.distinct():
            states[person_id].add(str(country))
        self.signatures: list[tuple[str, ...]] = [("",)]  # the first: persons neither held nor claimed
        numbers: dict[tuple[str, ...], int] = {("",): 0}
        self._signature_of: dict[int, int] = {}
        for person_id in set(locations) | set(states):
            places_of, states_of = ["", *sorted(locations[person_id])], ["", *sorted(states[person_id])]
            keys = tuple(slice_key(place, state) for place in places_of for state in states_of)
            if keys not in numbers:
                numbers[keys] = len(self.signatures)
                self.signatures.append(keys)
            self._signature_of[person_id] = numbers[keys]
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        # Each request counted in the delays: its State, day of decision and days from its sending.
        self.delays: dict[int, tuple[str, date, int]] = {}

    def of(self, person_id: int) -> int:
        """The person's group."""
        return self._signature_of.get(person_id, 0)

    def keys(self, person_id: int) -> tuple[str, ...]:
        return self.signatures[self.of(person_id)]

    def add(self, counted: Counter, attribute: str) -> None:
        """Add `counted` ((group, key): n) to each slice of each group's counter `attribute`."""
        for (signature, key), n in counted.items():
            for slice_ in self.signatures[signature]:
                getattr(self.tallies[slice_], attribute)[key] += n


def _stream(rows: QuerySet) -> Iterator[tuple]:
    return rows.iterator(chunk_size=CHUNK)


def _caseload(slices: Slices, persons: QuerySet[Person]) -> None:
    """Statuses now and each month's flow (`counts.caseload_flows`, for every month): two queries.

    Local days (`TruncDate`, in the current time zone as `TruncMonth` is) load as plain dates; their
    month is taken here, and each person's month of registration kept from the first query.
    """
    now: Counter = Counter()
    flows: Counter = Counter()
    registered_in: dict[int, date] = {}
    for person_id, status, day in _stream(
        persons.annotate(day=TruncDate("created_at")).values_list("pk", "status", "day")
    ):
        group = slices.of(person_id)
        registered_in[person_id] = day.replace(day=1)
        now[group, status] += 1
        flows[group, (registered_in[person_id], status)] += 1
    changes = (
        PersonStatusChange.objects.filter(person__in=persons.values("pk"))
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values_list("person_id", "old_status", "new_status", "day")
    )
    repatriated: Counter = Counter()
    for person_id, old, new, day in _stream(changes):
        group, month, registered = slices.of(person_id), day.replace(day=1), registered_in[person_id]
        flows[group, (month, old)] -= 1
        flows[group, (month, new)] += 1
        flows[group, (registered, old)] += 1
        flows[group, (registered, new)] -= 1
        if new == CaseStatus.REPATRIATED:
            repatriated[group, day] += 1
    slices.add(now, "now")
    slices.add(repatriated, "repatriated")
    for (signature, (month, status)), n in flows.items():
        for slice_ in slices.signatures[signature]:
            slices.tallies[slice_].flows[month][status] += n


def _requests(slices: Slices, persons: QuerySet[Person], today: date) -> None:
    """Waiting persons, delays, decisions and split families (`counts`' conditions): four queries."""
    covered = RequestedPerson.objects.filter(person__in=persons.values("pk")).order_by()
    late = GovernmentRequest.objects.filter(overdue_condition(today=today), pk=OuterRef("request_id"))
    waiting = (
        covered.filter(decision=Decision.PENDING, request__status__in=AWAITING_ANSWER_STATUSES)
        .annotate(late=Exists(late))
        .values_list("person_id", "request__authority__country", "late")
    )
    for person_id, country, is_late in _stream(waiting):
        for slice_ in slices.keys(person_id):
            slices.tallies[slice_].waiting[str(country)].add(person_id)
            if is_late:
                slices.tallies[slice_].late[str(country)].add(person_id)
    sent = covered.filter(request__submitted_on__isnull=False, request__decided_on__isnull=False).values_list(
        "person_id", "request_id", "request__authority__country", "request__submitted_on", "request__decided_on"
    )
    for person_id, request_id, country, submitted_on, decided_on in _stream(sent):
        slices.delays[request_id] = (str(country), decided_on, (decided_on - submitted_on).days)
        for slice_ in slices.keys(person_id):
            slices.tallies[slice_].delayed.add(request_id)
    decisions: Counter = Counter()
    decided = covered.filter(decision__in=DECIDED, decided_on__isnull=False).values_list(
        "person_id", "request__authority__country", "decided_on", "decision"
    )
    for person_id, country, day, decision in _stream(decided):
        decisions[slices.of(person_id), (str(country), day, decision)] += 1
    slices.add(decisions, "decisions")
    split = covered.filter(request__in=splitting_requests(today).values("pk")).values_list("person_id", "request_id")
    for person_id, request_id in _stream(split):
        for slice_ in slices.keys(person_id):
            slices.tallies[slice_].split.add(request_id)


def _handed(slices: Slices, persons: QuerySet[Person]) -> None:
    """Persons handed over by completed operations, per day of the operation: one query."""
    handed: Counter = Counter()
    rows = HandoverPerson.objects.filter(
        person__in=persons.values("pk"),
        handed_over=True,
        operation__status=HandoverStatus.COMPLETED,
        operation__planned_on__isnull=False,
    ).values_list("person_id", "operation__planned_on")
    for person_id, day in _stream(rows.order_by()):
        handed[slices.of(person_id), day] += 1
    slices.add(handed, "handed")


def _coming_of_age(slices: Slices, persons: QuerySet[Person], today: date) -> None:
    """Children turning 18 or reaching their State's age limit (`counts.coming_of_age`): three queries."""
    adult, reaching_limit, adult_person = coming_of_age_conditions(today)
    children = open_children(persons)
    ages: Counter = Counter()
    claims = (
        NationalityClaim.objects.filter(is_primary=True, person__in=children.values("pk"))
        .filter(adult | reaching_limit)
        .order_by()
        .values_list("person_id", "country")
        .annotate(adults=Count("pk", filter=adult), limit=Count("pk", filter=reaching_limit))
    )
    for person_id, country, adults, limit in _stream(claims):
        ages[slices.of(person_id), (str(country), "adults")] += adults
        ages[slices.of(person_id), (str(country), "limit")] += limit
    stateless = children.filter(adult_person).exclude(nationality_claims__is_primary=True).values_list("pk", flat=True)
    for person_id in _stream(stateless):
        ages[slices.of(person_id), ("", "adults")] += 1
    slices.add(ages, "coming_of_age")


def tally(persons: QuerySet[Person], *, today: date) -> tuple[dict[str, Tally], dict[int, tuple[str, date, int]]]:
    """Every slice's counts over `persons` (one organisation's live persons) as of `today`, and the
    State, day of decision and days from sending of each request counted in the delays (twelve queries)."""
    persons = persons.order_by()
    slices = Slices(persons)
    _caseload(slices, persons)
    _requests(slices, persons, today)
    _handed(slices, persons)
    _coming_of_age(slices, persons, today)
    return dict(slices.tallies), slices.delays

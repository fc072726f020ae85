"""The reminder rules: one function per rule kind (the two request after-rules share one), each a few set-based queries.

Every function takes `today` (never reads the clock) and one effective `RuleSetting`, and returns
the *candidates* that are due on `today`: which object, for whom, due when, at which offset. It
writes nothing; `services.reminders_sweep` turns candidates into Reminder rows, and the database's
unique constraint drops those raised before.

Two shapes of rule:

* **after a start date** (request not acknowledged, no decision, no response, DNA result overdue,
  case inactive): an offset is days after the start; the reminder falls due on start + offset.
  The query looks back `max(offsets) + CATCH_UP_DAYS` days only, so a sweep that did not run for
  up to a week still raises what fell due meanwhile, while older objects are not read again
  every day. Only the latest offset reached is raised (a request first seen 31 days after it was
  sent gets the 30-day reminder, not the 14-day one as well).
* **before a deadline** (information due, court deadline, hearing, age milestones, travel document
  before a handover): an offset is days before the deadline; the query reads deadlines between today
  and today + max(offsets), and the smallest offset already reached is raised (a court deadline
  recorded three days ahead gets the 1-day reminder two days later, and the 7-day one now — not
  the 30- and 14-day ones). Past deadlines raise nothing.

Urgent medical cases raise one reminder a day; unaccompanied children one per review period.

`rule_org` / `rule_country` are annotations every base query carries, so that the override scope
of a setting (organisation and/or State) is one filter. The State is the request's authority's
State for requests, the receiving State for a handover, and the State of the person's main
nationality claim for persons.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from casework.core.dates import anniversary
from casework.govrequests.choices import EventKind, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, HandoverPerson, RequestedPerson, RequestEvent
from casework.legal.choices import ProceedingOutcome
from casework.legal.models import Hearing
from casework.people.choices import TRAVEL_DOCUMENT_TYPES, AssessmentKind, SeparationStatus, Sex
from casework.people.models import Assessment, DnaTest, IdentityDocument, NationalityClaim, Person
from casework.policies.selectors import age_limits
from casework.reminders.choices import RuleKind
from casework.reminders.holding import ACTIVE_PERSON, INACTIVE_CASE_STATUSES, REQUEST_HOLDS
from casework.reminders.models import ReminderRule

# How far back "after a start date" rules look beyond their largest offset (missed sweeps).
CATCH_UP_DAYS = 7
ADULT_AGE = 18


@dataclass(frozen=True)
class RuleSetting:
    """The effective settings of one rule row, and the objects it governs (`scope`)."""

    rule_id: int
    kind: str
    offsets: tuple[int, ...]
    recipients: frozenset[str]
    threshold: int | None
    # A filter on the annotations `rule_org` and `rule_country`.
    scope: Q


@dataclass(frozen=True)
class Candidate:
    """A reminder that is due: about a person and/or a request, for the assigned caseworker if any."""

    organisation_id: int
    person_id: int | None
    gov_request_id: int | None
    assignee_id: int | None
    due_on: date
    deadline_on: date | None
    offset_days: int


# --- Effective settings ---------------------------------------------------------------------


def _country_code(rule: ReminderRule) -> str:
    return rule.country.code if rule.country else ""


def _scope(rule: ReminderRule, *, org_only: set, country_only: set, pairs: set) -> Q:
    """Objects governed by `rule`: in its scope and not in the scope of a more specific rule.

    Precedence: organisation + State > organisation > State > default.
    """
    org, country = rule.organisation_id, _country_code(rule)
    q = Q()
    if org and country:
        return Q(rule_org=org, rule_country=country)
    if org:
        q &= Q(rule_org=org)
        narrower = {c for o, c in pairs if o == org}
        if narrower:
            q &= ~Q(rule_country__in=sorted(narrower))
        return q
    if country:
        q &= Q(rule_country=country)
        narrower = org_only | {o for o, c in pairs if c == country}
        if narrower:
            q &= ~Q(rule_org__in=sorted(narrower))
        return q
    if org_only:
        q &= ~Q(rule_org__in=sorted(org_only))
    if country_only:
        q &= ~Q(rule_country__in=sorted(country_only))
    if pairs:
        q &= ~reduce(or_, (Q(rule_org=o, rule_country=c) for o, c in sorted(pairs)))
    return q


def effective_settings(rules: Iterable[ReminderRule]) -> dict[str, list[RuleSetting]]:
    """The settings to evaluate per kind: one per active rule, each with the scope it wins.

    Inactive rules still take their scope away from less specific ones: an inactive override
    switches the reminder off for that organisation or State.
    """
    by_kind: dict[str, list[ReminderRule]] = defaultdict(list)
    for rule in rules:
        by_kind[rule.kind].append(rule)
    result: dict[str, list[RuleSetting]] = {}
    for kind, rows in by_kind.items():
        org_only = {r.organisation_id for r in rows if r.organisation_id and not r.country}
        country_only = {_country_code(r) for r in rows if not r.organisation_id and r.country}
        pairs = {(r.organisation_id, _country_code(r)) for r in rows if r.organisation_id and r.country}
        result[kind] = [
            RuleSetting(
                rule_id=r.pk,
                kind=kind,
                offsets=tuple(sorted({int(o) for o in r.offsets})),
                recipients=frozenset(r.recipients),
                threshold=r.threshold,
                scope=_scope(r, org_only=org_only, country_only=country_only, pairs=pairs),
            )
            for r in rows
            if r.is_active and r.offsets
        ]
    return result


# --- Date helpers -----------------------------------------------------------------------------


def _after(start: date, offsets: tuple[int, ...], today: date) -> tuple[date, int] | None:
    """(due date, offset) of the latest offset after `start` reached by `today`, or None."""
    reached = [o for o in offsets if start + timedelta(days=o) <= today]
    if not reached:
        return None
    offset = max(reached)
    return start + timedelta(days=offset), offset


def _before(deadline: date, offsets: tuple[int, ...], today: date) -> tuple[date, int] | None:
    """(due date, offset) of the nearest offset before `deadline` reached by `today`, or None if passed."""
    if deadline < today:
        return None
    reached = [o for o in offsets if deadline - timedelta(days=o) <= today]
    if not reached:
        return None
    offset = min(reached)
    return deadline - timedelta(days=offset), offset


def _after_window(offsets: tuple[int, ...], today: date) -> tuple[date, date]:
    """Start dates that may have reached an offset since the catch-up window began."""
    return today - timedelta(days=max(offsets) + CATCH_UP_DAYS), today - timedelta(days=min(offsets))


def _due(
    hit: tuple[date, int] | None,
    organisation_id: int,
    person_id: int | None,
    request_id: int | None,
    assignee_id: int | None,
    deadline_on: date | None,
) -> list[Candidate]:
    """The candidate of the offset `_after` or `_before` found reached (`hit`: due date, offset); none without one."""
    if hit is None:
        return []
    due_on, offset = hit
    return [Candidate(organisation_id, person_id, request_id, assignee_id, due_on, deadline_on, offset)]


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Base queries -----------------------------------------------------------------------------


def _primary_country(person_ref: str) -> Coalesce:
    """The State of the person's main nationality claim, "" if none (never NULL: NOT IN must work)."""
    claims = NationalityClaim.objects.filter(person_id=OuterRef(person_ref), is_primary=True).values("country")[:1]
    return Coalesce(Subquery(claims), Value(""), output_field=CharField())


def _request_assignee(request_ref: str) -> Subquery:
    """The assigned caseworker of a person the request covers (the lowest user id, to be stable)."""
    assignees = (
        RequestedPerson.objects.filter(request_id=OuterRef(request_ref), person__assigned_to__isnull=False)
        .order_by("person__assigned_to_id")
        .values("person__assigned_to_id")[:1]
    )
    return Subquery(assignees)


def _requests(setting: RuleSetting) -> QuerySet:
    return (
        GovernmentRequest.objects.order_by()
        .annotate(rule_org=F("organisation_id"), rule_country=F("authority__country"))
        .filter(setting.scope)
        .annotate(assignee_id=_request_assignee("pk"))
    )


def _request_events(setting: RuleSetting, kind: str, today: date) -> QuerySet:
    return (
        RequestEvent.objects.order_by()
        .annotate(rule_org=F("request__organisation_id"), rule_country=F("request__authority__country"))
        .filter(setting.scope)
        .filter(kind=kind, due_on__gte=today, due_on__lte=today + timedelta(days=max(setting.offsets)))
        .exclude(request__status__in=(RequestStatus.WITHDRAWN, RequestStatus.LAPSED))
        .annotate(assignee_id=_request_assignee("request_id"))
    )


def _active_persons(setting: RuleSetting) -> QuerySet:
    return (
        Person.objects.live()
        .order_by()
        .filter(ACTIVE_PERSON)
        .annotate(rule_org=F("organisation_id"), rule_country=_primary_country("pk"))
        .filter(setting.scope)
    )


def _shifted_window(field: str, low: date, high: date) -> Q:
    """Requests whose `field` date is in the look-back window, or may be once its clock shift is added.

    A paused or extended clock (`GovernmentRequest.clock_shift_days`) moves the start of the
    after-rules: `_request_candidates` adds the shift; those rows are few, so they are read whole.
    """
    return Q(**{f"{field}__gte": low, f"{field}__lte": high}) | Q(clock_shift_days__gt=0, **{f"{field}__lte": high})


def _request_candidates(rows: Iterable[tuple], setting: RuleSetting, today: date) -> list[Candidate]:
    """Candidates from (request id, organisation id, start date, assignee id, clock shift) rows of an after-rule.

    The start is shifted by the days the deadline clock moved (paused, extended): the deadline
    clock of `casework.govrequests.clock` is the one the reminders count on.
    """
    found = []
    for pk, organisation_id, start, assignee_id, shift in rows:
        start += timedelta(days=shift)
        found += _due(_after(start, setting.offsets, today), organisation_id, None, pk, assignee_id, None)
    return found


# --- Request rules ----------------------------------------------------------------------------


# The request after-rules, and the date each counts its offsets from (shifted by the deadline clock).
REQUEST_STARTS = {RuleKind.REQUEST_NOT_ACKNOWLEDGED: "submitted_on", RuleKind.NO_DECISION: "acknowledged_on"}


def request_still_waiting(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Requests still held by the rule `offsets` days after its start: sent requests without acknowledgement
    (14, 30 days after sending), acknowledged ones without a decision (60 days after the acknowledgement)."""
    started = REQUEST_STARTS[setting.kind]
    low, high = _after_window(setting.offsets, today)
    rows = (
        _requests(setting)
        .filter(REQUEST_HOLDS[setting.kind])
        .filter(_shifted_window(started, low, high))
        .values_list("pk", "organisation_id", started, "assignee_id", "clock_shift_days")
    )
    return _request_candidates(rows, setting, today)


# Requests on which the State still owes its first answer; the mark moves them to no_response.
NO_RESPONSE_FROM = (RequestStatus.SUBMITTED, RequestStatus.ACKNOWLEDGED, RequestStatus.UNDER_REVIEW)


def mark_no_response(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Requests still without a decision `offsets` days (90) after sending: to be marked *no response*.

    No look-back limit: once marked, a request leaves these statuses, so it is read only once.
    """
    rows = (
        _requests(setting)
        .filter(status__in=NO_RESPONSE_FROM, clock_paused_on__isnull=True)
        .filter(submitted_on__lte=today - timedelta(days=min(setting.offsets)))
        .values_list("pk", "organisation_id", "submitted_on", "assignee_id", "clock_shift_days")
    )
    return _request_candidates(rows, setting, today)


def information_due(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Information a State asked for, `offsets` days before its due date, until it is provided."""
    provided = RequestEvent.objects.filter(
        request_id=OuterRef("request_id"),
        kind=EventKind.INFORMATION_PROVIDED,
        occurred_on__gte=OuterRef("occurred_on"),
    )
    rows = (
        _request_events(setting, EventKind.INFORMATION_REQUESTED, today)
        .filter(~Exists(provided))
        .values_list("request_id", "request__organisation_id", "due_on", "assignee_id")
    )
    return _deadline_candidates(rows, setting, today, about_request=True)


def court_deadline(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Court or appeal deadlines, `offsets` days (30, 14, 7, 1) before."""
    rows = _request_events(setting, EventKind.COURT_DEADLINE, today).values_list(
        "request_id", "request__organisation_id", "due_on", "assignee_id"
    )
    return _deadline_candidates(rows, setting, today, about_request=True)


def _deadline_candidates(
    rows: Iterable[tuple], setting: RuleSetting, today: date, *, about_request: bool
) -> list[Candidate]:
    """Candidates from (object id, organisation id, deadline, assignee id) rows of a before-rule."""
    found = []
    for pk, organisation_id, deadline, assignee_id in rows:
        person_id, request_id = (None, pk) if about_request else (pk, None)
        found += _due(
            _before(deadline, setting.offsets, today), organisation_id, person_id, request_id, assignee_id, deadline
        )
    return found


# --- Age milestones ---------------------------------------------------------------------------


def _born_to_reach(age: int, today: date, setting: RuleSetting) -> Q:
    """Earliest plausible birth dates of persons who reach `age` between today and the largest offset.

    One day of slack each side covers 29 February; `_before` then checks the exact birthday.
    """
    low = anniversary(today, -age) - timedelta(days=1)
    high = anniversary(today + timedelta(days=max(setting.offsets)), -age) + timedelta(days=1)
    return Q(birth_date_earliest__gte=low, birth_date_earliest__lte=high)


def _age_candidates(rows: Iterable[tuple], setting: RuleSetting, today: date, age_of: Callable) -> list[Candidate]:
    """Candidates from (person id, organisation id, earliest birth date, assignee id, country) rows.

    `age_of(organisation id, country)` is the age to reach, None for none.
    """
    found = []
    for pk, organisation_id, born, assignee_id, country in rows:
        age = age_of(organisation_id, country)
        if age is None:
            continue
        birthday = anniversary(born, age)
        found += _due(_before(birthday, setting.offsets, today), organisation_id, pk, None, assignee_id, birthday)
    return found


_AGE_COLUMNS = ("pk", "organisation_id", "birth_date_earliest", "assigned_to_id", "rule_country")


def boy_approaching_11(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Boys `offsets` days before they turn `threshold` (11): they risk transfer out of the camp.

    Ages are counted from the earliest plausible date of birth.
    """
    age = setting.threshold or 11
    rows = (
        _active_persons(setting)
        .filter(sex=Sex.MALE)
        .filter(_born_to_reach(age, today, setting))
        .values_list(*_AGE_COLUMNS)
    )
    return _age_candidates(rows, setting, today, lambda _org, _country: age)


def minor_turning_18(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Minors `offsets` days before they turn `threshold` (18): status and consent change."""
    age = setting.threshold or ADULT_AGE
    rows = _active_persons(setting).filter(_born_to_reach(age, today, setting)).values_list(*_AGE_COLUMNS)
    return _age_candidates(rows, setting, today, lambda _org, _country: age)


def state_age_limit(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Children `offsets` days before they reach the age limit of the State of their main nationality claim.

    The limit is that of the State's current policy on `today` for the person's organisation
    (`policies.selectors.age_limits`: its own policy, else the shared default), when that policy
    is "children under an age limit".
    """
    limits = age_limits(on=today)
    if not limits:
        return []
    reaching = limits.as_filter(
        organisation="rule_org", country="rule_country", reaching=lambda age: _born_to_reach(age, today, setting)
    )
    rows = _active_persons(setting).filter(reaching).values_list(*_AGE_COLUMNS)
    return _age_candidates(rows, setting, today, limits.of)


# --- Other person rules -----------------------------------------------------------------------


def travel_document_expiring(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Persons on a planned handover whose travel documents expire within `threshold` days (30) after it.

    Raised `offsets` days (30) before the handover. Only persons holding at least one dated travel
    document are checked; an undated one counts as valid.
    """
    margin = timedelta(days=setting.threshold or 30)
    travel_documents = IdentityDocument.objects.filter(
        person_id=OuterRef("person_id"), document_type__in=sorted(TRAVEL_DOCUMENT_TYPES)
    )
    rows = (
        HandoverPerson.objects.order_by()
        .annotate(rule_org=F("operation__organisation_id"), rule_country=F("operation__receiving_country"))
        .filter(setting.scope)
        .filter(
            operation__status=HandoverStatus.PLANNED,
            operation__planned_on__gte=today,
            operation__planned_on__lte=today + timedelta(days=max(setting.offsets)),
            person__date_of_death__isnull=True,
        )
        .annotate(
            latest_expiry=Subquery(
                travel_documents.filter(expires_on__isnull=False).order_by("-expires_on").values("expires_on")[:1]
            ),
            has_undated=Exists(travel_documents.filter(expires_on__isnull=True)),
        )
        .filter(latest_expiry__isnull=False, has_undated=False)
        .values_list(
            "person_id",
            "operation__organisation_id",
            "operation__request_id",
            "operation__planned_on",
            "person__assigned_to_id",
            "latest_expiry",
        )
    )
    found = []
    for person_id, organisation_id, request_id, planned_on, assignee_id, latest_expiry in rows:
        # The comparison depends on each operation's date: done here, on the few rows of the window.
        if latest_expiry >= planned_on + margin:
            continue
        found += _due(
            _before(planned_on, setting.offsets, today), organisation_id, person_id, request_id, assignee_id, planned_on
        )
    return found


def dna_result_overdue(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """DNA tests without a result `offsets` days (45) after sampling."""
    low, high = _after_window(setting.offsets, today)
    rows = (
        DnaTest.objects.order_by()
        .annotate(rule_org=F("person__organisation_id"), rule_country=_primary_country("person_id"))
        .filter(setting.scope)
        .filter(result_received_on__isnull=True, sampled_on__gte=low, sampled_on__lte=high)
        .filter(person__date_of_death__isnull=True)
        .exclude(person__status__in=INACTIVE_CASE_STATUSES)
        .values_list("person_id", "person__organisation_id", "sampled_on", "person__assigned_to_id")
    )
    found = []
    for person_id, organisation_id, sampled_on, assignee_id in rows:
        found += _due(
            _after(sampled_on, setting.offsets, today), organisation_id, person_id, None, assignee_id, sampled_on
        )
    return found


def urgent_medical(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Urgent medical cases: one reminder every day while the flag is set."""
    rows = _active_persons(setting).filter(medical_urgent=True).values_list("pk", "organisation_id", "assigned_to_id")
    return [Candidate(org, pk, None, assignee, today, None, 0) for pk, org, assignee in rows]


def uasc_review(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Unaccompanied or separated children: a review every `offsets[0]` days (90) since the last BIA/BID or registration.

    Each period's review is one reminder, due at the end of the period.
    """
    interval = setting.offsets[0] or 90
    last_assessment = (
        Assessment.objects.filter(person_id=OuterRef("pk"), kind__in=(AssessmentKind.BIA, AssessmentKind.BID))
        .order_by("-assessed_on")
        .values("assessed_on")[:1]
    )
    rows = (
        _active_persons(setting)
        .filter(separation_status__in=(SeparationStatus.UNACCOMPANIED, SeparationStatus.SEPARATED))
        .filter(Q(birth_date_earliest__isnull=True) | Q(birth_date_earliest__gt=anniversary(today, -ADULT_AGE)))
        .annotate(last_review=Coalesce(Subquery(last_assessment), TruncDate("created_at")))
        .values_list("pk", "organisation_id", "last_review", "assigned_to_id")
    )
    found = []
    for pk, organisation_id, last_review, assignee_id in rows:
        # Compared here, not in SQL: in the WHERE clause PostgreSQL ran the subquery twice per
        # child and its cost estimate turned on JIT compilation (224 ms instead of 67 ms at 100k persons).
        if last_review > today - timedelta(days=interval):
            continue
        periods = (today - last_review).days // interval
        due_on = last_review + timedelta(days=periods * interval)
        found.append(Candidate(organisation_id, pk, None, assignee_id, due_on, last_review, interval))
    return found


def case_inactive(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Open cases not changed for `offsets` days (30, 60)."""
    low, high = _after_window(setting.offsets, today)
    rows = (
        _active_persons(setting)
        .filter(updated_at__gte=_start_of_day(low), updated_at__lt=_start_of_day(high + timedelta(days=1)))
        .values_list("pk", "organisation_id", "updated_at", "assigned_to_id")
    )
    found = []
    for pk, organisation_id, updated_at, assignee_id in rows:
        last_change = timezone.localtime(updated_at).date()
        found += _due(_after(last_change, setting.offsets, today), organisation_id, pk, None, assignee_id, last_change)
    return found


def hearing(*, today: date, setting: RuleSetting) -> list[Candidate]:
    """Hearings of pending legal proceedings, `offsets` days (14, 7, 1) before; the State is the proceeding's."""
    rows = (
        Hearing.objects.order_by()
        .filter(hearing_on__gte=today, hearing_on__lte=today + timedelta(days=max(setting.offsets)))
        .filter(held__isnull=True, proceeding__outcome=ProceedingOutcome.PENDING)
        .filter(person__date_of_death__isnull=True)
        .exclude(person__status__in=INACTIVE_CASE_STATUSES)
        .annotate(rule_org=F("person__organisation_id"), rule_country=F("proceeding__country"))
        .filter(setting.scope)
        .values_list("person_id", "person__organisation_id", "hearing_on", "person__assigned_to_id")
    )
    return _deadline_candidates(rows, setting, today, about_request=False)


RULES: dict[str, Callable[..., list[Candidate]]] = {
    RuleKind.REQUEST_NOT_ACKNOWLEDGED: request_still_waiting,
    RuleKind.NO_DECISION: request_still_waiting,
    RuleKind.MARK_NO_RESPONSE: mark_no_response,
    RuleKind.INFORMATION_DUE: information_due,
    RuleKind.COURT_DEADLINE: court_deadline,
    RuleKind.BOY_APPROACHING_11: boy_approaching_11,
    RuleKind.STATE_AGE_LIMIT: state_age_limit,
    RuleKind.MINOR_TURNING_18: minor_turning_18,
    RuleKind.TRAVEL_DOCUMENT_EXPIRING: travel_document_expiring,
    RuleKind.DNA_RESULT_OVERDUE: dna_result_overdue,
    RuleKind.URGENT_MEDICAL: urgent_medical,
    RuleKind.UASC_REVIEW: uasc_review,
    RuleKind.CASE_INACTIVE: case_inactive,
    RuleKind.HEARING: hearing,
}

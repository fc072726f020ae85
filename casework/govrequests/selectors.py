"""Reads about government requests for the caseworker interface.

Terms: a request is *overdue* when the State is late by its deadline clock
(`casework.govrequests.clock`: answer periods per State and authority, paused while the State
waits for information, extended when it is granted more time): not acknowledged by its
acknowledgement due date, or no decision by its answer due date (extended or not). The clock's
dates are stored on the request, so that "overdue" is one query (`overdue_condition`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation

from casework.govrequests.choices import (
    AWAITING_ANSWER_STATUSES,
    DEFAULT_DISCLOSURE_FIELDS,
    FOLLOWUP_LANGUAGES,
    Decision,
    DisclosureField,
    RequestStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    DisclosurePolicy,
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    RequestedPerson,
    RequestEvent,
    RequestStatusChange,
)
from casework.outbox.rendering import RenderedEmail, render_email
from casework.people.choices import CaseStatus
from casework.people.models import CustodyPeriod, FamilyLink, NationalityClaim, Person


def overdue_requests(*, user: Any, today: date | None = None, limit: int = 20) -> QuerySet[GovernmentRequest]:
    """Requests of the user's scope awaiting an answer past their dates, the oldest first.

    Each row is annotated with `person_count`; `overdue_reasons` tells why it is listed.
    """
    today = today or timezone.localdate()
    return (
        GovernmentRequest.objects.visible_to(user)
        .exclude(status=RequestStatus.DRAFT)
        .filter(overdue_condition(today=today))
        .select_related("authority")
        .annotate(person_count=Count("covered"))
        .order_by("submitted_on", "reference")[:limit]
    )


def recent_request_changes(*, user: Any, limit: int = 10) -> QuerySet[RequestStatusChange]:
    """The latest status changes of visible requests that cover a case assigned to the user."""
    mine = RequestedPerson.objects.filter(person__assigned_to_id=user.pk).values("request_id")
    return (
        RequestStatusChange.objects.visible_to(user)
        .filter(request_id__in=mine)
        .select_related("request", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def overdue_reasons(gov_request: GovernmentRequest, *, today: date | None = None) -> list[str]:
    """Why a request from `overdue_requests` is listed: keys `acknowledgement`, `decision`, `due_date` (extended).

    The same conditions as `overdue_parts`, read from the request's stored clock (no query).
    """
    today = today or timezone.localdate()
    if gov_request.status not in AWAITING_ANSWER_STATUSES or gov_request.clock_paused_on:
        return []
    reasons = []
    if (
        gov_request.acknowledged_on is None
        and gov_request.acknowledgement_due_on
        and gov_request.acknowledgement_due_on < today
    ):
        reasons.append("acknowledgement")
    if gov_request.decided_on is None and gov_request.answer_due_on and gov_request.answer_due_on < today:
        reasons.append("due_date" if gov_request.answer_due_extended else "decision")
    return reasons


# --- Caseworker pages: list, detail, deadline clock, person picker -----------------------------

# Keyset ordering of the request list: newest draft first, the primary key as the unique last key.
REQUEST_LIST_ORDERING = ("-drafted_on", "-id")


def overdue_parts(*, today: date) -> tuple[Q, Q, Q]:
    """Why a request is late by its deadline clock: (not acknowledged, no decision, past an extended due date).

    A paused clock is late with nothing. Combine with the awaiting statuses (`overdue_condition`).
    """
    running = Q(clock_paused_on__isnull=True)
    not_acknowledged = running & Q(acknowledged_on__isnull=True, acknowledgement_due_on__lt=today)
    undecided = running & Q(decided_on__isnull=True, answer_due_on__lt=today)
    no_decision = undecided & Q(answer_due_extended=False)
    past_due = undecided & Q(answer_due_extended=True)
    return not_acknowledged, no_decision, past_due


def overdue_condition(*, today: date) -> Q:
    """Requests a State still owes an answer on and is late with, by their deadline clock (see module docstring)."""
    not_acknowledged, no_decision, past_due = overdue_parts(today=today)
    return Q(status__in=AWAITING_ANSWER_STATUSES) & (not_acknowledged | no_decision | past_due)


def request_list_base(*, user: Any) -> QuerySet[GovernmentRequest]:
    """The requests the user may see, without filters or row data (also the keyset boundary lookup)."""
    return GovernmentRequest.objects.visible_to(user)


def request_list_rows(queryset: QuerySet[GovernmentRequest]) -> QuerySet[GovernmentRequest]:
    """`queryset` with what each row of the list shows, in one query: the authority and `person_count`."""
    return queryset.select_related("authority").annotate(person_count=Count("covered"))


def request_detail_queryset(*, user: Any) -> QuerySet[GovernmentRequest]:
    """Requests the user may see, with everything the detail page shows prefetched.

    Events and status changes come oldest first (the page reads them chronologically).
    """
    return (
        GovernmentRequest.objects.visible_to(user)
        .select_related("authority", "created_by")
        .prefetch_related(
            Prefetch(
                "covered",
                queryset=RequestedPerson.objects.select_related("person").order_by("person__case_number", "pk"),
            ),
            Prefetch(
                "events",
                queryset=RequestEvent.objects.select_related("created_by").order_by("occurred_on", "pk"),
            ),
            Prefetch(
                "status_changes",
                queryset=RequestStatusChange.objects.select_related("actor").order_by("created_at", "pk"),
            ),
        )
    )


def handovers_seen_whole(*, operations: Iterable[HandoverOperation], user: Any) -> set[int]:
    """Ids of the handover operations of which `user` sees every person (one query).

    Completing, cancelling or downloading the signed document of an operation is acting on every
    person on it (the document names them all): an assigned-only caseworker who sees one of them
    sees the operation, but may do none of these unless every person on it is theirs.
    Uses the operations' prefetched `handed_persons` when there are some.
    """
    persons_of = {operation.pk: {row.person_id for row in operation.handed_persons.all()} for operation in operations}
    wanted = set().union(*persons_of.values()) if persons_of else set()
    visible = set(Person.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))
    return {pk for pk, person_ids in persons_of.items() if person_ids <= visible}


def handover_seen_whole(*, operation: HandoverOperation, user: Any) -> bool:
    """Whether `user` sees every person on the handover operation (see `handovers_seen_whole`)."""
    return operation.pk in handovers_seen_whole(operations=[operation], user=user)


def request_summary_rows(*, gov_request: GovernmentRequest, user: Any) -> list[RequestedPerson]:
    """The covered persons the user may see, for the printable summary, in one query plus one prefetch.

    Each person gets `state_claims`: their nationality claims towards the request's State only, so
    that the summary tells the authority nothing about other nationalities claimed.
    """
    claims = NationalityClaim.objects.filter(country=gov_request.authority.country)
    return list(
        RequestedPerson.objects.visible_to(user)
        .filter(request=gov_request)
        .select_related("person")
        .prefetch_related(Prefetch("person__nationality_claims", queryset=claims, to_attr="state_claims"))
        .order_by("person__case_number", "pk")
    )


@dataclass(frozen=True)
class DeadlineClock:
    """How long a request has been with the State and what it is due next (see `casework.govrequests.clock`).

    `days_elapsed` counts the days with the State, the days paused left out (None before it is
    sent); `days_paused` the days the clock stood still while the State waited for information;
    `paused_since` is set while it stands still. `next_due_on` is the acknowledgement due date
    until the acknowledgement, then the answer due date (`next_due_kind` "due_date" once extended);
    `days_left` is negative once it has passed, and frozen while the clock is paused.
    """

    running: bool
    days_since_sent: int | None
    next_due_on: date | None
    next_due_kind: str
    days_left: int | None
    overdue_reasons: tuple[str, ...]
    days_elapsed: int | None = None
    days_paused: int = 0
    paused_since: date | None = None

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_reasons)

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def days_overdue(self) -> int:
        """How many days the next due date has passed (0 while it has not)."""
        return max(0, -(self.days_left or 0))


def deadline_clock(gov_request: GovernmentRequest, *, today: date | None = None) -> DeadlineClock:
    """The deadline clock of one request, from its stored clock dates (no query)."""
    today = today or timezone.localdate()
    running = gov_request.status in AWAITING_ANSWER_STATUSES
    sent = gov_request.submitted_on
    if not running or sent is None:
        return DeadlineClock(
            running=False,
            days_since_sent=None,
            next_due_on=None,
            next_due_kind="",
            days_left=None,
            overdue_reasons=(),
        )
    paused_since = gov_request.clock_paused_on
    days_paused = gov_request.clock_paused_days + ((today - paused_since).days if paused_since else 0)
    if gov_request.acknowledged_on is None and gov_request.acknowledgement_due_on:
        next_due_on, next_due_kind = gov_request.acknowledgement_due_on, "acknowledgement"
    elif gov_request.decided_on is None and gov_request.answer_due_on:
        next_due_on = gov_request.answer_due_on
        next_due_kind = "due_date" if gov_request.answer_due_extended else "decision"
    else:
        next_due_on, next_due_kind = None, ""
    # While paused, the days left stand still at what they were when the clock stopped.
    counted_to = paused_since or today
    return DeadlineClock(
        running=True,
        days_since_sent=(today - sent).days,
        next_due_on=next_due_on,
        next_due_kind=next_due_kind,
        days_left=(next_due_on - counted_to).days if next_due_on else None,
        overdue_reasons=tuple(overdue_reasons(gov_request, today=today)),
        days_elapsed=max(0, (today - sent).days - days_paused),
        days_paused=days_paused,
        paused_since=paused_since,
    )


def persons_by_public_id(*, user: Any, public_ids: Iterable[Any]) -> list[Person]:
    """The persons among `public_ids` that the user may see (others are silently left out), by case number."""
    ids = [str(public_id) for public_id in public_ids]
    if not ids:
        return []
    return list(Person.objects.visible_to(user).filter(public_id__in=ids).order_by("case_number"))


def household_members(*, user: Any, persons: Iterable[Person]) -> list[Person]:
    """Visible family of `persons`, by case number, in one query: who shares a household with any of them
    (including them) or is recorded as their relative (a family link), e.g. a mother's children."""
    persons = list(persons)
    household_ids = {person.household_id for person in persons if person.household_id}
    if not persons:
        return []
    relatives = FamilyLink.objects.filter(person_id__in=[person.pk for person in persons]).values("relative_id")
    return list(
        Person.objects.visible_to(user)
        .filter(Q(household_id__in=household_ids) | Q(pk__in=relatives))
        .order_by("case_number")
    )


# --- Follow-ups to authorities ------------------------------------------------------------------

# Decisions an authority still owes: nothing recorded yet, or recorded as "no answer".
FOLLOWUP_DECISIONS = (Decision.PENDING, Decision.NO_ANSWER)
# Cases no longer worked in the camp are not chased.
FOLLOWUP_EXCLUDED_CASE_STATUSES = (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.REPATRIATED)


def organisation_authority_q(pairs: Iterable[tuple[int, int]], *, prefix: str = "") -> Q:
    """Rows of these (organisation id, authority id) pairs: one `org = … AND authority IN (…)` per organisation.

    `prefix` leads to the organisation and authority fields (e.g. "request__"). No pair: a Q that matches nothing.
    """
    by_organisation: dict[int, set[int]] = {}
    for organisation_id, authority_id in pairs:
        by_organisation.setdefault(organisation_id, set()).add(authority_id)
    if not by_organisation:
        return Q(pk__in=[])
    where = Q()
    for organisation_id, authority_ids in sorted(by_organisation.items()):
        where |= Q(**{f"{prefix}organisation_id": organisation_id, f"{prefix}authority_id__in": sorted(authority_ids)})
    return where


def followup_pending_rows_of(*, pairs: Iterable[tuple[int, int]]) -> QuerySet[RequestedPerson]:
    """`followup_pending_rows` of many (organisation id, authority id) pairs at once, in one query."""
    return (
        RequestedPerson.objects.filter(
            organisation_authority_q(pairs, prefix="request__"),
            request__status__in=AWAITING_ANSWER_STATUSES,
            # A paused clock: the State waits for information from us, there is nothing to chase.
            request__clock_paused_on__isnull=True,
            decision__in=FOLLOWUP_DECISIONS,
        )
        .exclude(person__status__in=FOLLOWUP_EXCLUDED_CASE_STATUSES)
        .order_by("person__case_number", "request__reference", "pk")
    )


def followup_pending_rows(*, organisation_id: int, authority_id: int) -> QuerySet[RequestedPerson]:
    """Covered persons the authority still owes a decision on, in the organisation's requests awaiting an answer.

    Unscoped (the organisation is the scope): drafting, refreshing, discarding and
    sending check that the actor sees every one (`persons_all_visible`).
    """
    return followup_pending_rows_of(pairs=[(organisation_id, authority_id)])


def persons_all_visible(*, user: Any, person_ids: Iterable[int]) -> bool:
    """Whether `user` sees every one of these persons (superusers, such as the sweep's system actor: always)."""
    ids = set(person_ids)
    if user.is_superuser or not ids:
        return True
    return Person.objects.visible_to(user).filter(pk__in=ids).count() == len(ids)


def followup_pending_all_visible(*, user: Any, organisation_id: int, authority_id: int) -> bool:
    """Whether `user` sees every person pending with the authority, whom a refreshed draft would list (one query)."""
    if user.is_superuser:
        return True
    pending = followup_pending_rows(organisation_id=organisation_id, authority_id=authority_id)
    return not pending.exclude(person__in=Person.objects.visible_to(user)).exists()


def disclosure_policy_for(*, organisation_id: int, authority: GovernmentAuthority) -> tuple[list[str], str]:
    """(fields, basis) the organisation discloses to `authority`: its own policy, else its State's, else the default."""
    policies = sorted(
        DisclosurePolicy.objects.filter(organisation_id=organisation_id).filter(
            Q(authority=authority) | Q(authority__isnull=True, country=authority.country.code)
        ),
        key=lambda policy: policy.authority_id is None,
    )
    if not policies:
        return list(DEFAULT_DISCLOSURE_FIELDS), ""
    policy = policies[0]
    # Read through the whitelist again: a row written around `clean()` cannot widen what goes out.
    return [field for field in DisclosureField.values if field in policy.fields or field == "case_number"], policy.basis


def followup_language(authority: GovernmentAuthority) -> str:
    """The letter's language: the authority's if there is a template in it, else English."""
    language = (authority.language or "").lower().split("-")[0]
    return language if language in FOLLOWUP_LANGUAGES else "en"


@dataclass(frozen=True)
class FollowUpLetter:
    """What a follow-up letter says, before rendering: built from the draft's rows and the disclosure policy.

    `persons` holds, per person, only the chosen fields (an unchosen field is absent, not empty).
    """

    template: str
    language: str
    to_email: str
    fields: list[str]
    basis: str
    persons: list[dict[str, Any]]
    person_ids: list[int]
    request_ids: list[int]
    context: dict[str, Any]


def _birth(person: Person) -> dict[str, Any]:
    return {
        "precision": person.birth_date_precision,
        "date": person.birth_date,
        "earliest": person.birth_date_earliest,
        "latest": person.birth_date_latest,
    }


def with_disclosure_prefetches(
    rows: QuerySet[RequestedPerson], *, show: set[str], authority: GovernmentAuthority
) -> QuerySet[RequestedPerson]:
    """Covered-person rows (with person and request) prefetching what the disclosed fields need, in letter order."""
    if DisclosureField.NATIONALITY_CLAIMED in show:
        claims = NationalityClaim.objects.filter(country=authority.country.code)
        rows = rows.prefetch_related(Prefetch("person__nationality_claims", queryset=claims, to_attr="state_claims"))
    if DisclosureField.CURRENT_FACILITY in show:
        current = CustodyPeriod.objects.filter(end_date__isnull=True).select_related("facility")
        rows = rows.prefetch_related(Prefetch("person__custody_periods", queryset=current, to_attr="current_periods"))
    return rows.order_by("person__case_number", "request__reference", "pk")


def disclosed_person_entry(person: Person, *, show: set[str], authority: GovernmentAuthority) -> dict[str, Any]:
    """Only the disclosed fields of one person (an unchosen field is absent, not empty), for letters and dossiers.

    The person must come from `with_disclosure_prefetches` rows when claims or the facility are disclosed.
    """
    entry: dict[str, Any] = {"case_number": person.case_number}
    if DisclosureField.NAMES_LATIN in show:
        entry["names_latin"] = person.full_name_lat
    if DisclosureField.NAMES_ARABIC in show:
        entry["names_arabic"] = person.full_name_ar
    if DisclosureField.SEX in show:
        entry["sex"] = person.sex
    if DisclosureField.BIRTH_DATE in show:
        entry["birth"] = _birth(person)
    if DisclosureField.PLACE_OF_BIRTH in show:
        entry["place_of_birth"] = person.place_of_birth
        entry["country_of_birth"] = str(person.country_of_birth.name) if person.country_of_birth else ""
    if DisclosureField.NATIONALITY_CLAIMED in show:
        entry["nationality"] = str(authority.country.name) if person.state_claims else ""
    if DisclosureField.CURRENT_FACILITY in show:
        periods = person.current_periods
        # The facility's name only: never its section or the exact location (L3).
        entry["facility"] = periods[0].facility.name if periods else ""
    if DisclosureField.REQUEST_REFERENCE in show:
        entry["requests"] = []
    return entry


def followup_letter(*, followup: AuthorityFollowUp, today: date | None = None) -> FollowUpLetter:
    """The letter of a follow-up draft: one entry per person (their requests grouped), only the disclosed fields.

    Three to five queries: the rows, the policy, and the claims and facilities when those fields are disclosed.
    """
    authority = followup.authority
    organisation = followup.organisation
    fields, basis = disclosure_policy_for(organisation_id=followup.organisation_id, authority=authority)
    show = set(fields)
    rows = RequestedPerson.objects.filter(followup_items__followup=followup).select_related("person", "request")
    rows = list(with_disclosure_prefetches(rows, show=show, authority=authority))
    language = followup_language(authority)
    template = "authority_followup" if language == "en" else f"authority_followup_{language}"
    by_person: dict[int, dict[str, Any]] = {}
    requests: dict[int, GovernmentRequest] = {}
    with translation.override(language):
        for row in rows:
            person, gov_request = row.person, row.request
            requests[gov_request.pk] = gov_request
            entry = by_person.get(person.pk)
            if entry is None:
                entry = disclosed_person_entry(person, show=show, authority=authority)
                by_person[person.pk] = entry
            if DisclosureField.REQUEST_REFERENCE in show:
                entry["requests"].append({"reference": gov_request.reference, "submitted_on": gov_request.submitted_on})
        country_name = str(authority.country.name)
    persons = list(by_person.values())
    sent_dates = [r.submitted_on for r in requests.values() if r.submitted_on]
    context = {
        "organisation_name": organisation.name,
        "organisation_code": organisation.code,
        "reply_to": organisation.email,
        "authority_name": authority.name,
        "country_name": country_name,
        "today": today or timezone.localdate(),
        "show": {field: True for field in fields},
        "persons": persons,
        "person_count": len(persons),
        "request_count": len(requests),
        "first_sent_on": min(sent_dates) if sent_dates else None,
    }
    return FollowUpLetter(
        template=template,
        language=language,
        to_email=authority.email,
        fields=fields,
        basis=basis,
        persons=persons,
        person_ids=list(by_person),
        request_ids=sorted(requests),
        context=context,
    )


def followup_render(letter: FollowUpLetter) -> RenderedEmail:
    """Subject, text and HTML of the letter, rendered by the outbox's one renderer (as it will be sent)."""
    return render_email(template=letter.template, context=letter.context, language=letter.language)


def disclosures_about(*, person: Person, user: Any) -> list[DisclosedPerson]:
    """What was disclosed about a person the user sees, newest first, in one query."""
    return list(
        DisclosedPerson.objects.visible_to(user)
        .filter(person=person)
        .select_related("disclosure", "disclosure__disclosed_by")
        .order_by("-disclosure__disclosed_at", "-pk")
    )

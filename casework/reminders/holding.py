"""Whether a raised reminder still holds: one home for the condition of each rule kind.

A reminder is raised by the sweep (`rules`) while its condition holds; when the condition stops
holding (the decision was recorded, the acknowledgement received, the information provided, a
valid travel document added, the person taken off the handover, the case closed…) the reminder
is *resolved by itself*, with that reason (`services.recheck`). The rule functions filter on the
same conditions (`REQUEST_HOLDS`, `ACTIVE_PERSON`), so the sweep never raises a reminder that
would at once be resolved, and never raises a resolved one again (same occurrence: dropped by
the unique constraint).
"""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.govrequests.choices import EventKind, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, HandoverPerson, RequestEvent
from casework.people.choices import TRAVEL_DOCUMENT_TYPES, CaseStatus, SeparationStatus
from casework.people.models import DnaTest, IdentityDocument, Person
from casework.reminders.choices import RuleKind

# Cases no longer worked in the camp: no person reminders for them.
INACTIVE_CASE_STATUSES = (CaseStatus.CLOSED, CaseStatus.HANDED_OVER, CaseStatus.REPATRIATED)
ACTIVE_PERSON = Q(date_of_death__isnull=True) & ~Q(status__in=INACTIVE_CASE_STATUSES)
CLOSED_REQUEST_STATUSES = (RequestStatus.WITHDRAWN, RequestStatus.LAPSED)
DEFAULT_TRAVEL_MARGIN_DAYS = 30

_information_provided = RequestEvent.objects.filter(
    request_id=OuterRef("request_id"),
    kind=EventKind.INFORMATION_PROVIDED,
    occurred_on__gte=OuterRef("occurred_on"),
)
_awaited_information = RequestEvent.objects.filter(
    request_id=OuterRef("pk"), kind=EventKind.INFORMATION_REQUESTED
).filter(~Exists(_information_provided))

# What must hold of a request for a reminder of each request kind. A paused clock (the State
# asked for information) owes nothing until the information is provided.
REQUEST_HOLDS: dict[str, Q] = {
    RuleKind.REQUEST_NOT_ACKNOWLEDGED: Q(
        status=RequestStatus.SUBMITTED, acknowledged_on__isnull=True, clock_paused_on__isnull=True
    ),
    RuleKind.NO_DECISION: Q(
        status__in=(RequestStatus.ACKNOWLEDGED, RequestStatus.UNDER_REVIEW),
        decided_on__isnull=True,
        clock_paused_on__isnull=True,
    ),
    RuleKind.MARK_NO_RESPONSE: Q(status=RequestStatus.NO_RESPONSE),
    # Information asked for and not provided since.
    RuleKind.INFORMATION_DUE: Q(Exists(_awaited_information)) & ~Q(status__in=CLOSED_REQUEST_STATUSES),
    RuleKind.COURT_DEADLINE: ~Q(status__in=CLOSED_REQUEST_STATUSES),
}

# What must hold of a person, beyond being an active case, for a reminder of each person kind.
PERSON_HOLDS: dict[str, Q] = {
    RuleKind.URGENT_MEDICAL: Q(medical_urgent=True),
    RuleKind.DNA_RESULT_OVERDUE: Q(
        Exists(DnaTest.objects.filter(person=OuterRef("pk"), sampled_on__isnull=False, result_received_on__isnull=True))
    ),
    RuleKind.UASC_REVIEW: Q(separation_status__in=(SeparationStatus.UNACCOMPANIED, SeparationStatus.SEPARATED)),
}


# Why a reminder of each kind resolved itself: its condition stopped holding.
_RESOLVED_BECAUSE: dict[str, Promise] = {
    RuleKind.REQUEST_NOT_ACKNOWLEDGED: gettext_lazy("The acknowledgement was received."),
    RuleKind.NO_DECISION: gettext_lazy("The decision was recorded."),
    RuleKind.MARK_NO_RESPONSE: gettext_lazy("The State answered."),
    RuleKind.INFORMATION_DUE: gettext_lazy("The information was provided."),
    RuleKind.URGENT_MEDICAL: gettext_lazy("No longer marked urgent."),
    RuleKind.DNA_RESULT_OVERDUE: gettext_lazy("The DNA result was received."),
    RuleKind.UASC_REVIEW: gettext_lazy("No longer an unaccompanied or separated child."),
    RuleKind.CASE_INACTIVE: gettext_lazy("The case was worked on."),
}


def _request_reason(kind: str, gov_request: GovernmentRequest) -> str:
    if gov_request.status in CLOSED_REQUEST_STATUSES:
        return _("The request was withdrawn or lapsed.")
    if kind in (RuleKind.REQUEST_NOT_ACKNOWLEDGED, RuleKind.NO_DECISION) and gov_request.clock_paused_on:
        return _("The clock is paused: the State asked for information.")
    return str(_RESOLVED_BECAUSE.get(kind, _("The request moved on.")))


def _person_reason(kind: str) -> str:
    return str(_RESOLVED_BECAUSE.get(kind, _("The condition no longer holds.")))


def _requests_not_holding(reminders: QuerySet) -> list[tuple[int, str]]:
    found = []
    for kind, holds in REQUEST_HOLDS.items():
        rows = (
            reminders.filter(kind=kind, person__isnull=True)
            .exclude(gov_request__in=GovernmentRequest.objects.filter(holds))
            .select_related("gov_request")
        )
        found += [(reminder.pk, _request_reason(kind, reminder.gov_request)) for reminder in rows]
    return found


def _persons_not_holding(reminders: QuerySet) -> list[tuple[int, str]]:
    about_persons = reminders.filter(person__isnull=False)
    found = [
        (pk, _("The case was closed or handed over."))
        for pk in about_persons.exclude(person__in=Person.objects.filter(ACTIVE_PERSON)).values_list("pk", flat=True)
    ]
    done = {pk for pk, _reason in found}
    for kind, holds in PERSON_HOLDS.items():
        rows = about_persons.filter(kind=kind).exclude(person__in=Person.objects.filter(holds)).exclude(pk__in=done)
        found += [(pk, _person_reason(kind)) for pk in rows.values_list("pk", flat=True)]
    # Worked on since it was raised.
    inactive = about_persons.filter(kind=RuleKind.CASE_INACTIVE, person__updated_at__gt=F("created_at"))
    found += [(pk, _person_reason(RuleKind.CASE_INACTIVE)) for pk in inactive.exclude(pk__in=done).values_list("pk")]
    return found


def _travel_documents_not_holding(reminders: QuerySet) -> list[tuple[int, str]]:
    """Travel-document reminders: still on that planned handover, and still without a document valid long enough."""
    rows = (
        reminders.filter(kind=RuleKind.TRAVEL_DOCUMENT_EXPIRING, person__isnull=False)
        .filter(person__in=Person.objects.filter(ACTIVE_PERSON))
        .select_related("rule")
    )
    found = []
    for reminder in rows:
        on_plan = HandoverPerson.objects.filter(
            person_id=reminder.person_id,
            operation__status=HandoverStatus.PLANNED,
            operation__planned_on=reminder.deadline_on,
        )
        if reminder.gov_request_id:
            on_plan = on_plan.filter(operation__request_id=reminder.gov_request_id)
        if not on_plan.exists():
            found.append((reminder.pk, _("The person is no longer on a planned handover.")))
            continue
        margin = timedelta(days=(reminder.rule.threshold if reminder.rule else None) or DEFAULT_TRAVEL_MARGIN_DAYS)
        valid = IdentityDocument.objects.filter(
            person_id=reminder.person_id, document_type__in=sorted(TRAVEL_DOCUMENT_TYPES)
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=reminder.deadline_on + margin))
        if valid.exists():
            found.append((reminder.pk, _("A travel document valid long enough was added.")))
    return found


CHECKS: tuple[Callable[[QuerySet], list[tuple[int, str]]], ...] = (
    _requests_not_holding,
    _persons_not_holding,
    _travel_documents_not_holding,
)


def reminders_no_longer_holding(reminders: QuerySet) -> dict[int, str]:
    """Of these (unresolved) reminders, those whose condition no longer holds: {id: reason}.

    A few queries per kind, whatever the number of reminders; travel-document reminders (only
    those of the persons concerned) two each.
    """
    found: dict[int, str] = {}
    for check in CHECKS:
        for pk, reason in check(reminders):
            found.setdefault(pk, reason)
    return found

"""Keeping the stored deadline clock of requests true (see `casework.govrequests.clock`)."""

from dataclasses import asdict

from django.db import transaction

from casework.govrequests.choices import AWAITING_ANSWER_STATUSES
from casework.govrequests.clock import CLOCK_EVENT_KINDS, ClockDates, clock_dates
from casework.govrequests.models import GovernmentRequest, RequestEvent, answer_period_for

CLOCK_FIELDS = tuple(ClockDates.__dataclass_fields__)


def request_clock_refresh(gov_request: GovernmentRequest) -> bool:
    """Recompute and store the clock of one request (locked by the caller); whether it changed.

    Derived data: written with `update()`, without a history row of its own (the event or the
    status change that moved the clock has one).
    """
    events = (
        RequestEvent.objects.filter(request=gov_request, kind__in=CLOCK_EVENT_KINDS)
        .order_by("occurred_on", "pk")
        .values_list("kind", "occurred_on", "due_on")
    )
    acknowledgement_days, decision_days = answer_period_for(
        organisation_id=gov_request.organisation_id, authority=gov_request.authority
    )
    dates = asdict(
        clock_dates(
            submitted_on=gov_request.submitted_on,
            acknowledged_on=gov_request.acknowledged_on,
            events=list(events),
            acknowledgement_days=acknowledgement_days,
            decision_days=decision_days,
        )
    )
    if all(getattr(gov_request, name) == value for name, value in dates.items()):
        return False
    for name, value in dates.items():
        setattr(gov_request, name, value)
    GovernmentRequest.objects.filter(pk=gov_request.pk).update(**dates)
    return True


@transaction.atomic
def request_clocks_refresh(*, organisation_id: int | None = None) -> int:
    """Recompute the clocks of the requests still awaiting an answer (after an answer-period rule changed).

    All organisations' when `organisation_id` is None; returns how many changed.
    """
    requests = GovernmentRequest.objects.select_for_update().filter(status__in=AWAITING_ANSWER_STATUSES)
    if organisation_id is not None:
        requests = requests.filter(organisation_id=organisation_id)
    return sum(request_clock_refresh(gov_request) for gov_request in requests.select_related("authority"))

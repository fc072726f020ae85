"""The deadline clock of a request: one home for when a State's acknowledgement and answer are due.

The periods come from the answer-period rules (`models.periods.answer_period_for`). The
acknowledgement is due `acknowledgement_days` after the request was sent, the decision
`decision_days` after the acknowledgement. An "information requested" event pauses the clock
until an "information provided" event: the days paused are added to the due date. An "extension
granted" event sets a new answer due date (later pauses are added to it). The dates are stored on
the request (`clock_dates` → `services.clock.request_clock_refresh`) so that "overdue" stays a
query (`selectors.overdue_parts`); `selectors.deadline_clock` reads them for display.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from casework.govrequests.choices import EventKind

CLOCK_EVENT_KINDS = frozenset(
    {EventKind.INFORMATION_REQUESTED, EventKind.INFORMATION_PROVIDED, EventKind.EXTENSION_GRANTED}
)


@dataclass(frozen=True)
class ClockDates:
    """What the request stores about its clock (same names as its fields)."""

    acknowledgement_due_on: date | None = None
    answer_due_on: date | None = None
    answer_due_extended: bool = False
    clock_paused_on: date | None = None
    clock_paused_days: int = 0
    clock_shift_days: int = 0


def clock_dates(
    *,
    submitted_on: date | None,
    acknowledged_on: date | None,
    events: Iterable[tuple[str, date, date | None]],
    acknowledgement_days: int,
    decision_days: int,
) -> ClockDates:
    """The clock from the request's dates and its (kind, date, due date) events in the order they happened."""
    if submitted_on is None:
        return ClockDates()
    paused_on: date | None = None
    pauses: list[tuple[date, date]] = []
    extension: tuple[date, date] | None = None
    for kind, occurred_on, due_on in events:
        if kind == EventKind.INFORMATION_REQUESTED and paused_on is None:
            paused_on = occurred_on
        elif kind == EventKind.INFORMATION_PROVIDED and paused_on is not None:
            pauses.append((paused_on, max(occurred_on, paused_on)))
            paused_on = None
        elif kind == EventKind.EXTENSION_GRANTED and due_on is not None:
            extension = (occurred_on, due_on)

    def paused_between(start: date, end: date | None = None) -> int:
        """Days of the closed pauses that began on or after `start` (and before `end`)."""
        return sum((stop - begin).days for begin, stop in pauses if begin >= start and (end is None or begin < end))

    ack_shift = paused_between(submitted_on, acknowledged_on)
    acknowledgement_due_on = submitted_on + timedelta(days=acknowledgement_days + ack_shift)
    answer_due_on: date | None = None
    decision_shift = 0
    if extension is not None:
        answer_due_on = extension[1] + timedelta(days=paused_between(extension[0]))
        if acknowledged_on is not None:
            decision_shift = (answer_due_on - acknowledged_on).days - decision_days
    elif acknowledged_on is not None:
        decision_shift = paused_between(acknowledged_on)
        answer_due_on = acknowledged_on + timedelta(days=decision_days + decision_shift)
    return ClockDates(
        acknowledgement_due_on=acknowledgement_due_on,
        answer_due_on=answer_due_on,
        answer_due_extended=extension is not None,
        clock_paused_on=paused_on,
        clock_paused_days=sum((stop - begin).days for begin, stop in pauses),
        clock_shift_days=decision_shift if acknowledged_on is not None else ack_shift,
    )

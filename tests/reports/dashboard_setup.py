"""The setup the dashboard tests share (tests/pages/test_dashboard.py, tests/reports/test_dashboard_*.py): the day
they count as of, backdated registrations and status changes, and the requests of a hand-computed caseload."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentRequest
from casework.people.models import Person, PersonStatusChange
from tests import factories

T = date(2025, 6, 15)  # "today" of the dashboard tests


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """`day` at noon (or the time given), as an aware datetime in local time (a row's `created_at`)."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def registered(person: Person, day: date) -> None:
    Person.objects.filter(pk=person.pk).update(created_at=at(day))


def moved(person: Person, old: str, new: str, day: date, hour: int = 12, minute: int = 0) -> None:
    """Record the person's status change from `old` to `new` on `day` at noon (or the time given)."""
    change = PersonStatusChange.objects.create(person=person, old_status=old, new_status=new)
    PersonStatusChange.objects.filter(pk=change.pk).update(created_at=at(day, hour, minute))


def drafted_request(**kwargs) -> GovernmentRequest:
    """A request drafted before every period of the tests."""
    return factories.GovernmentRequestFactory(drafted_on=date(2024, 12, 1), **kwargs)


def overdue_request(organisation, authority) -> GovernmentRequest:
    """A request to `authority` sent 30 days before T and not acknowledged: overdue. Without persons."""
    return drafted_request(
        organisation=organisation,
        authority=authority,
        status=RequestStatus.SUBMITTED,
        submitted_on=T - timedelta(days=30),
    )


def acknowledged_request(organisation, authority) -> GovernmentRequest:
    """A request to `authority` sent 5 days before T and acknowledged, awaiting its answer. Without persons."""
    return drafted_request(
        organisation=organisation,
        authority=authority,
        status=RequestStatus.ACKNOWLEDGED,
        submitted_on=T - timedelta(days=5),
        acknowledged_on=T - timedelta(days=3),
    )


def decided_request(
    organisation, authority, sent: date, decided: date, status: str = RequestStatus.ACCEPTED
) -> GovernmentRequest:
    """A request to `authority` sent on `sent` and answered on `decided`. Without persons."""
    return drafted_request(
        organisation=organisation, authority=authority, status=status, submitted_on=sent, decided_on=decided
    )

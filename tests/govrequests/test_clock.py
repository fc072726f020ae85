"""The deadline clock: answer periods by rule, pause / resume / extension, and what reads it."""

from datetime import date, timedelta

import pytest

from casework.govrequests import selectors, services
from casework.govrequests.choices import EventKind, RequestStatus
from casework.govrequests.clock import clock_dates
from casework.govrequests.models import AnswerPeriod, GovernmentRequest, answer_period_for
from casework.govrequests.services.clock import request_clocks_refresh
from tests import factories

pytestmark = pytest.mark.django_db
RS = RequestStatus
E = EventKind
SENT = date(2025, 1, 10)
ACK = date(2025, 1, 20)


def test_the_acknowledgement_and_the_decision_fall_due_after_their_periods():
    dates = clock_dates(submitted_on=SENT, acknowledged_on=ACK, events=[], acknowledgement_days=14, decision_days=60)
    assert (dates.acknowledgement_due_on, dates.answer_due_on) == (date(2025, 1, 24), date(2025, 3, 21))
    assert (dates.clock_paused_on, dates.clock_paused_days, dates.clock_shift_days) == (None, 0, 0)


def test_a_pause_stops_the_clock_and_the_days_paused_move_the_due_date_once_resumed():
    asked = (E.INFORMATION_REQUESTED, date(2025, 2, 1), date(2025, 2, 20))
    paused = clock_dates(
        submitted_on=SENT, acknowledged_on=ACK, events=[asked], acknowledgement_days=14, decision_days=60
    )
    assert paused.clock_paused_on == date(2025, 2, 1)
    assert paused.answer_due_on == date(2025, 3, 21)  # counted once the pause ends

    provided = (E.INFORMATION_PROVIDED, date(2025, 2, 11), None)
    resumed = clock_dates(
        submitted_on=SENT, acknowledged_on=ACK, events=[asked, provided], acknowledgement_days=14, decision_days=60
    )
    assert (resumed.clock_paused_on, resumed.clock_paused_days) == (None, 10)
    assert resumed.answer_due_on == date(2025, 3, 31)
    assert resumed.clock_shift_days == 10


def test_an_extension_sets_a_new_due_date_and_a_later_pause_is_added_to_it():
    extension = (E.EXTENSION_GRANTED, date(2025, 3, 1), date(2025, 5, 1))
    extended = clock_dates(
        submitted_on=SENT, acknowledged_on=ACK, events=[extension], acknowledgement_days=14, decision_days=60
    )
    assert (extended.answer_due_on, extended.answer_due_extended) == (date(2025, 5, 1), True)
    assert extended.clock_shift_days == (date(2025, 5, 1) - ACK).days - 60

    later = [
        extension,
        (E.INFORMATION_REQUESTED, date(2025, 3, 5), None),
        (E.INFORMATION_PROVIDED, date(2025, 3, 8), None),
    ]
    again = clock_dates(submitted_on=SENT, acknowledged_on=ACK, events=later, acknowledgement_days=14, decision_days=60)
    assert again.answer_due_on == date(2025, 5, 4)


def test_answer_periods_follow_the_rule_precedence(org_a, org_b):
    france = factories.GovernmentAuthorityFactory(country="FR", name="MFA")
    embassy = factories.GovernmentAuthorityFactory(country="FR", name="Embassy")
    assert answer_period_for(organisation_id=org_a.pk, authority=france) == (14, 60)

    AnswerPeriod.objects.create(acknowledgement_days=10, decision_days=50)
    assert answer_period_for(organisation_id=org_a.pk, authority=france) == (10, 50)
    AnswerPeriod.objects.create(country="FR", acknowledgement_days=20, decision_days=90)
    assert answer_period_for(organisation_id=org_a.pk, authority=france) == (20, 90)
    AnswerPeriod.objects.create(authority=embassy, acknowledgement_days=7, decision_days=30)
    assert answer_period_for(organisation_id=org_a.pk, authority=embassy) == (7, 30)
    AnswerPeriod.objects.create(organisation=org_a, acknowledgement_days=21, decision_days=120)
    assert answer_period_for(organisation_id=org_a.pk, authority=france) == (21, 120)
    assert answer_period_for(organisation_id=org_a.pk, authority=embassy) == (21, 120)  # organisation > authority
    AnswerPeriod.objects.create(organisation=org_a, country="FR", acknowledgement_days=30, decision_days=180)
    assert answer_period_for(organisation_id=org_a.pk, authority=france) == (30, 180)
    # Another organisation keeps the State's rule.
    assert answer_period_for(organisation_id=org_b.pk, authority=france) == (20, 90)


def _acknowledged(org, actor, authority) -> GovernmentRequest:
    gov_request = factories.GovernmentRequestFactory(organisation=org, authority=authority)
    factories.RequestedPersonFactory(request=gov_request)
    for kind, day in ((E.SUBMITTED, SENT), (E.ACKNOWLEDGED, ACK)):
        services.gov_request_record_event(gov_request=gov_request, kind=kind, occurred_on=day, actor=actor)
    return GovernmentRequest.objects.get(pk=gov_request.pk)


def _overdue_on(day: date) -> set[str]:
    return set(
        GovernmentRequest.objects.filter(selectors.overdue_condition(today=day)).values_list("reference", flat=True)
    )


def test_the_clock_across_pause_resume_and_extension_moves_the_overdue_list(org_a, caseworker_a):
    authority = factories.GovernmentAuthorityFactory(country="FR")
    AnswerPeriod.objects.create(country="FR", acknowledgement_days=14, decision_days=30)
    gov_request = _acknowledged(org_a, caseworker_a, authority)
    assert gov_request.answer_due_on == ACK + timedelta(days=30)
    assert _overdue_on(date(2025, 2, 20)) == {gov_request.reference}

    def record(kind: str, day: date, due_on: date | None = None) -> GovernmentRequest:
        services.gov_request_record_event(
            gov_request=gov_request, kind=kind, occurred_on=day, due_on=due_on, actor=caseworker_a
        )
        return GovernmentRequest.objects.get(pk=gov_request.pk)

    paused = record(E.INFORMATION_REQUESTED, date(2025, 2, 1), due_on=date(2025, 2, 15))
    assert paused.status == RS.INFORMATION_REQUESTED
    assert _overdue_on(date(2025, 4, 1)) == set()  # a paused clock is late with nothing
    clock = selectors.deadline_clock(paused, today=date(2025, 2, 11))
    # 18 days were left when it stopped (due 19 February, paused on 1 February): they stand still.
    assert (clock.is_paused, clock.days_paused, clock.days_elapsed, clock.days_left) == (True, 10, 22, 18)

    resumed = record(E.INFORMATION_PROVIDED, date(2025, 2, 11))
    assert resumed.answer_due_on == date(2025, 3, 1)  # 19 February + 10 days paused
    assert _overdue_on(date(2025, 3, 1)) == set()
    assert _overdue_on(date(2025, 3, 2)) == {gov_request.reference}
    clock = selectors.deadline_clock(resumed, today=date(2025, 2, 21))
    assert (clock.is_paused, clock.days_paused, clock.days_elapsed, clock.days_left) == (False, 10, 32, 8)

    extended = record(E.EXTENSION_GRANTED, date(2025, 3, 2), due_on=date(2025, 4, 15))
    assert (extended.answer_due_on, extended.answer_due_extended) == (date(2025, 4, 15), True)
    assert _overdue_on(date(2025, 4, 15)) == set()
    assert selectors.overdue_reasons(extended, today=date(2025, 4, 16)) == ["due_date"]


def test_an_extension_needs_its_new_due_date(org_a, caseworker_a):
    from casework.core.exceptions import DomainError

    gov_request = _acknowledged(org_a, caseworker_a, factories.GovernmentAuthorityFactory(country="FR"))
    with pytest.raises(DomainError):
        services.gov_request_record_event(
            gov_request=gov_request, kind=E.EXTENSION_GRANTED, occurred_on=date(2025, 3, 2), actor=caseworker_a
        )


def test_a_changed_answer_period_recomputes_the_stored_clocks(org_a, caseworker_a):
    authority = factories.GovernmentAuthorityFactory(country="FR")
    gov_request = _acknowledged(org_a, caseworker_a, authority)
    assert gov_request.answer_due_on == ACK + timedelta(days=60)

    AnswerPeriod.objects.create(organisation=org_a, country="FR", acknowledgement_days=14, decision_days=90)
    assert request_clocks_refresh(organisation_id=org_a.pk) == 1

    gov_request.refresh_from_db()
    assert gov_request.answer_due_on == ACK + timedelta(days=90)


def test_follow_up_drafting_leaves_out_a_request_whose_clock_is_paused(org_a, caseworker_a):
    authority = factories.GovernmentAuthorityFactory(country="FR")
    gov_request = _acknowledged(org_a, caseworker_a, authority)
    pending = selectors.followup_pending_rows(organisation_id=org_a.pk, authority_id=authority.pk)
    assert pending.count() == 1

    services.gov_request_record_event(
        gov_request=gov_request, kind=E.INFORMATION_REQUESTED, occurred_on=date(2025, 2, 1), actor=caseworker_a
    )
    assert pending.count() == 0
    services.gov_request_record_event(
        gov_request=gov_request, kind=E.INFORMATION_PROVIDED, occurred_on=date(2025, 2, 3), actor=caseworker_a
    )
    assert pending.count() == 1

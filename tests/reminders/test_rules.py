"""Each rule kind across its boundary: the day before nothing, the day of one reminder, the day after still one."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from casework.core.dates import anniversary
from casework.govrequests.choices import EventKind, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestStatusChange
from casework.people.choices import DatePrecision, SeparationStatus, Sex
from casework.policies.choices import TakesBack
from casework.reminders.choices import Recipient, RuleKind
from casework.reminders.models import Reminder
from casework.reminders.services.sweep import SYSTEM_USERNAME
from tests import factories
from tests.reminders.conftest import D, sweep

pytestmark = pytest.mark.django_db
K = RuleKind
ONE_DAY = timedelta(days=1)


def assert_raised_once_from(kind: str, day: date) -> Reminder:
    """Nothing the day before `day`, one reminder on `day`, still one the day after."""
    assert sweep(day - ONE_DAY)[kind] == 0
    assert sweep(day)[kind] == 1
    assert sweep(day + ONE_DAY)[kind] == 1
    return Reminder.objects.get(kind=kind)


def _born(age_on: date, years: int) -> date:
    """The birth date of someone who turns `years` on `age_on`."""
    return anniversary(age_on, -years)


# --- Requests ---------------------------------------------------------------------------------


def test_request_not_acknowledged_after_14_and_30_days(org_a, caseworker_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(14))
    factories.RequestedPersonFactory(request=request, person__assigned_to=caseworker_a)

    reminder = assert_raised_once_from(K.REQUEST_NOT_ACKNOWLEDGED, D)

    assert (reminder.gov_request, reminder.person, reminder.due_on, reminder.offset_days) == (request, None, D, 14)
    assert reminder.subject_key == f"request:{request.pk}"
    assert reminder.recipient == caseworker_a
    assert reminder.organisation == org_a
    assert sweep(D + timedelta(days=15))[K.REQUEST_NOT_ACKNOWLEDGED] == 1
    assert sweep(D + timedelta(days=16))[K.REQUEST_NOT_ACKNOWLEDGED] == 2
    assert Reminder.objects.filter(kind=K.REQUEST_NOT_ACKNOWLEDGED, offset_days=30).get().due_on == D + timedelta(16)


def test_acknowledged_request_raises_no_acknowledgement_reminder(org_a):
    factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, submitted_on=D - timedelta(14), acknowledged_on=D - timedelta(10)
    )
    assert sweep(D)[K.REQUEST_NOT_ACKNOWLEDGED] == 0


def test_request_first_seen_late_gets_only_the_latest_offset(org_a):
    factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(33))
    sweep(D)
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [30]


def test_request_without_assigned_caseworker_goes_to_supervisors(org_a):
    factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(14))
    sweep(D)
    reminder = Reminder.objects.get()
    assert reminder.recipient is None
    assert reminder.notify_supervisors is True


def test_no_decision_60_days_after_acknowledgement(org_a):
    request = factories.GovernmentRequestFactory(
        organisation=org_a, acknowledged=True, submitted_on=D - timedelta(70), acknowledged_on=D - timedelta(60)
    )
    reminder = assert_raised_once_from(K.NO_DECISION, D)
    assert (reminder.gov_request, reminder.offset_days) == (request, 60)


def test_mark_no_response_after_90_days_moves_the_request_and_records_it(org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(90))

    sweep(D - ONE_DAY)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not RequestStatusChange.objects.exists()

    assert sweep(D)[K.MARK_NO_RESPONSE] == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.NO_RESPONSE
    change = RequestStatusChange.objects.get()
    assert (change.old_status, change.new_status) == (RequestStatus.SUBMITTED, RequestStatus.NO_RESPONSE)
    assert change.actor.username == SYSTEM_USERNAME
    assert not change.actor.is_active
    assert not change.actor.has_usable_password()

    assert sweep(D + ONE_DAY)[K.MARK_NO_RESPONSE] == 1
    assert RequestStatusChange.objects.count() == 1


def test_mark_no_response_leaves_decided_requests_alone(org_a):
    factories.GovernmentRequestFactory(
        organisation=org_a, status=RequestStatus.REFUSED, submitted_on=D - timedelta(120), decided_on=D
    )
    assert sweep(D)[K.MARK_NO_RESPONSE] == 0
    assert GovernmentRequest.objects.get().status == RequestStatus.REFUSED


def test_information_due_counts_down_until_provided(org_a):
    request = factories.GovernmentRequestFactory(
        organisation=org_a, status=RequestStatus.INFORMATION_REQUESTED, submitted_on=date(2025, 2, 1)
    )
    due = D + timedelta(days=7)
    factories.RequestEventFactory(
        request=request, kind=EventKind.INFORMATION_REQUESTED, occurred_on=date(2025, 5, 1), due_on=due
    )

    reminder = assert_raised_once_from(K.INFORMATION_DUE, D)
    assert (reminder.due_on, reminder.deadline_on, reminder.offset_days) == (D, due, 7)
    assert sweep(due - timedelta(days=3))[K.INFORMATION_DUE] == 2

    factories.RequestEventFactory(request=request, kind=EventKind.INFORMATION_PROVIDED, occurred_on=due - ONE_DAY)
    assert sweep(due - ONE_DAY)[K.INFORMATION_DUE] == 2
    assert sweep(due)[K.INFORMATION_DUE] == 2


def test_court_deadline_30_14_7_and_1_days_before(org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, status=RequestStatus.REFUSED)
    deadline = D + timedelta(days=30)
    factories.RequestEventFactory(
        request=request, kind=EventKind.COURT_DEADLINE, occurred_on=date(2025, 5, 1), due_on=deadline
    )

    assert_raised_once_from(K.COURT_DEADLINE, D)
    for offset, expected in ((14, 2), (7, 3), (1, 4)):
        assert sweep(deadline - timedelta(days=offset + 1))[K.COURT_DEADLINE] == expected - 1
        assert sweep(deadline - timedelta(days=offset))[K.COURT_DEADLINE] == expected
    assert sweep(deadline + ONE_DAY)[K.COURT_DEADLINE] == 4
    assert sorted(Reminder.objects.values_list("offset_days", flat=True)) == [1, 7, 14, 30]


def test_court_deadline_recorded_late_raises_only_the_nearest_offset(org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, status=RequestStatus.REFUSED)
    factories.RequestEventFactory(
        request=request, kind=EventKind.COURT_DEADLINE, occurred_on=date(2025, 5, 1), due_on=D + timedelta(days=3)
    )
    sweep(D)
    assert list(Reminder.objects.values_list("offset_days", flat=True)) == [7]


# --- Age milestones ---------------------------------------------------------------------------


def test_boy_approaching_11_is_raised_180_days_before_his_birthday(org_a, caseworker_a):
    birthday = D + timedelta(days=180)
    boy = factories.PersonFactory(
        organisation=org_a,
        sex=Sex.MALE,
        birth_date=_born(birthday, 11),
        birth_date_precision=DatePrecision.EXACT,
        assigned_to=caseworker_a,
    )
    factories.PersonFactory(
        organisation=org_a, sex=Sex.FEMALE, birth_date=_born(birthday, 11), birth_date_precision=DatePrecision.EXACT
    )

    reminder = assert_raised_once_from(K.BOY_APPROACHING_11, D)

    assert (reminder.person, reminder.deadline_on, reminder.offset_days) == (boy, birthday, 180)
    assert reminder.recipient == caseworker_a
    assert reminder.notify_supervisors is True


def _age_limit(age: int | None, *, organisation=None, valid_from=date(2019, 3, 1), country="FR"):
    """A State policy: "children under an age limit" of `age`, or "children only" (no limit) if None."""
    return factories.StatePolicyFactory(
        organisation=organisation,
        country=country,
        valid_from=valid_from,
        takes_back=TakesBack.CHILDREN_UNDER_AGE if age else TakesBack.CHILDREN_ONLY,
        age_limit=age,
    )


def _child_of(org, country: str, *, age: int, on: date):
    """A child of `org` whose main nationality is `country`, turning `age` on `on`."""
    child = factories.PersonFactory(
        organisation=org, birth_date=_born(on, age), birth_date_precision=DatePrecision.EXACT
    )
    factories.NationalityClaimFactory(person=child, country=country)
    return child


def test_child_reaching_the_age_limit_of_the_state_of_the_main_nationality_claim(org_a):
    _age_limit(10)
    birthday = D + timedelta(days=180)
    child = factories.PersonFactory(
        organisation=org_a, birth_date=_born(birthday, 10), birth_date_precision=DatePrecision.EXACT
    )
    factories.NationalityClaimFactory(person=child, country="FR")
    other = factories.PersonFactory(
        organisation=org_a, birth_date=_born(birthday, 10), birth_date_precision=DatePrecision.EXACT
    )
    factories.NationalityClaimFactory(person=other, country="DE")
    factories.NationalityClaimFactory(person=other, country="FR", is_primary=False)

    reminder = assert_raised_once_from(K.STATE_AGE_LIMIT, D)
    assert (reminder.person, reminder.deadline_on) == (child, birthday)


def test_state_age_limit_follows_the_policy(org_a):
    _age_limit(12)
    _child_of(org_a, "FR", age=10, on=D + timedelta(days=180))
    assert sweep(D)[K.STATE_AGE_LIMIT] == 0
    assert sweep(anniversary(D, 2))[K.STATE_AGE_LIMIT] == 1


def test_state_age_limit_is_that_of_the_policy_current_on_the_day(org_a):
    # Children under 12 until the end of 2025; from 2026 the State takes back children only (no lower limit).
    _age_limit(12, valid_from=date(2019, 3, 1))
    _age_limit(None, valid_from=date(2026, 1, 1))
    _age_limit(14, valid_from=D + timedelta(days=1), country="BE")
    _child_of(org_a, "FR", age=12, on=D + timedelta(days=30))
    _child_of(org_a, "BE", age=14, on=D + timedelta(days=30))
    assert sweep(D)[K.STATE_AGE_LIMIT] == 1  # the Belgian limit applies only from tomorrow
    assert sweep(D + ONE_DAY)[K.STATE_AGE_LIMIT] == 2
    assert sorted(Reminder.objects.values_list("person__nationality_claims__country", flat=True)) == ["BE", "FR"]
    _child_of(org_a, "FR", age=12, on=date(2026, 3, 1))  # under the 2026 policy: no age limit, no reminder
    assert sweep(date(2026, 2, 1))[K.STATE_AGE_LIMIT] == 2


def test_an_organisations_own_policy_replaces_the_shared_age_limit_for_it_only(org_a, org_b):
    _age_limit(12)
    _age_limit(16, organisation=org_b)
    child_a = _child_of(org_a, "FR", age=12, on=D + timedelta(days=30))
    _child_of(org_b, "FR", age=12, on=D + timedelta(days=30))  # org B's limit is 16: nothing at 12
    child_b = _child_of(org_b, "FR", age=16, on=D + timedelta(days=30))
    _child_of(org_a, "FR", age=16, on=D + timedelta(days=30))  # org A's limit is the shared 12
    assert sweep(D)[K.STATE_AGE_LIMIT] == 2
    assert set(Reminder.objects.values_list("person", "organisation")) == {
        (child_a.pk, org_a.pk),
        (child_b.pk, org_b.pk),
    }


def test_an_organisations_own_policy_without_age_limit_raises_nothing_for_it(org_a, org_b):
    _age_limit(12)
    _age_limit(None, organisation=org_b)
    child_a = _child_of(org_a, "FR", age=12, on=D + timedelta(days=30))
    _child_of(org_b, "FR", age=12, on=D + timedelta(days=30))
    assert sweep(D)[K.STATE_AGE_LIMIT] == 1
    assert Reminder.objects.get().person == child_a


def test_minor_turning_18_counts_from_the_earliest_plausible_birth_date(org_a):
    # Born "in 2007": the earliest plausible date is 1 January 2007, so 18 on 1 January 2025.
    person = factories.PersonFactory(
        organisation=org_a, birth_date=date(2007, 7, 1), birth_date_precision=DatePrecision.YEAR
    )
    reminder = assert_raised_once_from(K.MINOR_TURNING_18, date(2025, 1, 1) - timedelta(days=90))
    assert (reminder.person, reminder.deadline_on, reminder.offset_days) == (person, date(2025, 1, 1), 90)


def test_minor_born_on_29_february_turns_18_on_28_february(org_a):
    factories.PersonFactory(organisation=org_a, birth_date=date(2008, 2, 29), birth_date_precision=DatePrecision.EXACT)
    reminder = assert_raised_once_from(K.MINOR_TURNING_18, date(2026, 2, 28) - timedelta(days=90))
    assert reminder.deadline_on == date(2026, 2, 28)


def test_closed_and_deceased_cases_raise_no_age_reminder(org_a):
    born = _born(D + timedelta(days=90), 18)
    factories.PersonFactory(organisation=org_a, birth_date=born, birth_date_precision=DatePrecision.EXACT, closed=True)
    factories.PersonFactory(
        organisation=org_a, birth_date=born, birth_date_precision=DatePrecision.EXACT, date_of_death=date(2025, 1, 1)
    )
    assert sweep(D)[K.MINOR_TURNING_18] == 0


# --- Other person rules -----------------------------------------------------------------------


def test_travel_document_expiring_within_30_days_of_a_planned_handover(org_a):
    handover_on = D + timedelta(days=30)
    operation = factories.HandoverOperationFactory(organisation=org_a, planned_on=handover_on)
    on_it = factories.HandoverPersonFactory(operation=operation).person
    factories.IdentityDocumentFactory(
        person=on_it, document_type="emergency_travel_document", expires_on=handover_on + timedelta(days=10)
    )
    valid = factories.HandoverPersonFactory(operation=operation).person
    factories.IdentityDocumentFactory(person=valid, expires_on=handover_on + timedelta(days=200))

    reminder = assert_raised_once_from(K.TRAVEL_DOCUMENT_EXPIRING, D)

    assert (reminder.person, reminder.deadline_on, reminder.offset_days) == (on_it, handover_on, 30)


def test_cancelled_handover_raises_no_travel_document_reminder(org_a):
    operation = factories.HandoverOperationFactory(
        organisation=org_a, planned_on=D + timedelta(days=10), status=HandoverStatus.CANCELLED
    )
    person = factories.HandoverPersonFactory(operation=operation).person
    factories.IdentityDocumentFactory(person=person, expires_on=D)
    assert sweep(D)[K.TRAVEL_DOCUMENT_EXPIRING] == 0


def test_dna_result_overdue_45_days_after_sampling(org_a):
    test = factories.DnaTestFactory(
        person__organisation=org_a, requested_on=date(2025, 1, 1), sampled_on=D - timedelta(45)
    )
    factories.DnaTestFactory(
        person__organisation=org_a,
        requested_on=date(2025, 1, 1),
        sampled_on=D - timedelta(45),
        result_received_on=D - ONE_DAY,
        outcome="match",
    )
    reminder = assert_raised_once_from(K.DNA_RESULT_OVERDUE, D)
    assert (reminder.person, reminder.offset_days) == (test.person, 45)


def test_urgent_medical_case_is_raised_once_a_day_until_cleared(org_a):
    person = factories.PersonFactory(organisation=org_a, medical_urgent=True)
    assert sweep(D)[K.URGENT_MEDICAL] == 1
    assert sweep(D)[K.URGENT_MEDICAL] == 1
    assert sweep(D + ONE_DAY)[K.URGENT_MEDICAL] == 2
    person.medical_urgent = False
    person.save()
    assert sweep(D + timedelta(days=2))[K.URGENT_MEDICAL] == 2


def test_unaccompanied_child_review_every_90_days_since_the_last_bia(org_a):
    child = factories.PersonFactory(organisation=org_a, child=True, separation_status=SeparationStatus.UNACCOMPANIED)
    factories.AssessmentFactory(person=child, kind="bid", assessed_on=D - timedelta(days=90))

    reminder = assert_raised_once_from(K.UASC_REVIEW, D)
    assert (reminder.person, reminder.due_on, reminder.deadline_on) == (child, D, D - timedelta(days=90))
    # Not reviewed: the next period's reminder 90 days later.
    assert sweep(D + timedelta(days=89))[K.UASC_REVIEW] == 1
    assert sweep(D + timedelta(days=90))[K.UASC_REVIEW] == 2


def test_unaccompanied_child_without_assessment_counts_from_registration(org_a):
    with time_machine.travel(timezone.make_aware(datetime(2025, 3, 4, 10, 0)), tick=False):
        factories.PersonFactory(organisation=org_a, child=True, separation_status=SeparationStatus.SEPARATED)
    assert_raised_once_from(K.UASC_REVIEW, date(2025, 3, 4) + timedelta(days=90))


def test_case_inactive_after_30_and_60_days(org_a):
    with time_machine.travel(timezone.make_aware(datetime(2025, 5, 3, 23, 30)), tick=False):
        person = factories.PersonFactory(organisation=org_a)
    last_change = date(2025, 5, 3)

    reminder = assert_raised_once_from(K.CASE_INACTIVE, last_change + timedelta(days=30))
    assert (reminder.person, reminder.offset_days) == (person, 30)
    assert sweep(last_change + timedelta(days=60))[K.CASE_INACTIVE] == 2


def test_case_touched_recently_is_not_inactive(org_a):
    factories.PersonFactory(organisation=org_a)  # updated now, i.e. long after D
    assert sweep(D)[K.CASE_INACTIVE] == 0


def test_every_rule_kind_has_a_default_rule_loaded_by_the_migration():
    from casework.reminders.models import ReminderRule

    defaults = ReminderRule.objects.filter(organisation=None, country="")
    assert sorted(defaults.values_list("kind", flat=True)) == sorted(RuleKind.values)
    for rule in defaults:
        rule.full_clean()
        assert set(rule.recipients) <= set(Recipient.values)


def test_request_that_cannot_be_marked_no_response_raises_no_reminder(org_a, monkeypatch):
    from casework.reminders import services
    from casework.reminders.services import sweep as sweep_module

    # As if a caseworker had recorded an answer between the rule's read and the mark.
    monkeypatch.setattr(sweep_module, "gov_requests_mark_no_response", lambda **kwargs: set())
    factories.GovernmentRequestFactory(organisation=org_a, submitted=True, submitted_on=D - timedelta(90))

    result = services.reminders_sweep(today=D)

    assert result.marked_no_response == 0
    assert not Reminder.objects.filter(kind=K.MARK_NO_RESPONSE).exists()

"""What the situation needs recorded, as models and services: journey, return wish and risk, entry into
custody, legal proceedings and hearings, and the statelessness risk of an unregistered birth."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from casework.govrequests.choices import EventKind
from casework.legal.choices import ProceedingOutcome
from casework.legal.models import Hearing
from casework.people import selectors, services
from casework.people.choices import DatePrecision, ReturnRisk, ReturnWish
from casework.people.models import JourneyToSyria, Person
from casework.screenings.models import CustodyEntry
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)

pytestmark = pytest.mark.django_db


# --- Journey to Syria ------------------------------------------------------------------------------


def test_age_at_travel_is_computed_from_the_earliest_plausible_birth_date(person_a):
    person_a.birth_date, person_a.birth_date_precision = date(1998, 7, 1), DatePrecision.YEAR
    person_a.save()
    journey = JourneyToSyriaFactory.build(person=person_a, travelled_on=date(2014, 3, 1), age_at_travel_recorded=None)

    # Born no earlier than 1 January 1998: 16 on 1 March 2014, a minor.
    assert journey.age_at_travel == 16
    assert journey.travelled_as_minor


def test_a_stated_age_at_travel_wins_over_the_dates(person_a):
    journey = JourneyToSyriaFactory.build(person=person_a, travelled_on=date(2014, 3, 1), age_at_travel_recorded=19)

    assert journey.age_at_travel == 19
    assert not journey.travelled_as_minor


def test_an_unknown_travel_date_gives_no_age_unless_stated(person_a):
    journey = JourneyToSyriaFactory.build(
        person=person_a, travelled_on=None, travel_date_precision=DatePrecision.UNKNOWN
    )

    assert journey.age_at_travel is None
    assert not journey.travelled_as_minor
    journey.minor_indicator = True
    assert journey.travelled_as_minor  # the recorded indication alone is enough


def test_journey_refuses_a_travel_date_in_the_future_or_a_precision_without_a_date(person_a):
    journey = JourneyToSyriaFactory.build(person=person_a, travelled_on=date.today() + timedelta(days=2))
    with pytest.raises(ValidationError) as future:
        journey.full_clean()
    assert "travelled_on" in future.value.message_dict

    journey = JourneyToSyriaFactory.build(person=person_a, travelled_on=None, travel_date_precision=DatePrecision.YEAR)
    with pytest.raises(ValidationError) as missing:
        journey.full_clean()
    assert "travelled_on" in missing.value.message_dict


def test_a_person_has_one_journey_a_second_is_refused(person_a, caseworker_a):
    services.person_record_add(person=person_a, record=JourneyToSyriaFactory.build(person=None), actor=caseworker_a)

    with pytest.raises(ValidationError):
        services.person_record_add(person=person_a, record=JourneyToSyriaFactory.build(person=None), actor=caseworker_a)
    assert JourneyToSyria.objects.filter(person=person_a).count() == 1


# --- Return wish and risk on return ----------------------------------------------------------------


def test_a_return_assessment_warns_on_an_unwilling_person_or_a_real_risk(person_a):
    willing = ReturnAssessmentFactory.build(person=person_a)
    unwilling = ReturnAssessmentFactory.build(person=person_a, wish=ReturnWish.DOES_NOT_WISH)
    at_risk = ReturnAssessmentFactory.build(person=person_a, risk=ReturnRisk.HIGH_RISK)

    assert (willing.warns, unwilling.warns, at_risk.warns) == (False, True, True)


def test_current_return_assessments_are_the_latest_per_state(person_a, org_a):
    ReturnAssessmentFactory(person=person_a, country="FR", assessed_on=date(2024, 1, 1), wish=ReturnWish.UNDECIDED)
    latest = ReturnAssessmentFactory(person=person_a, country="FR", assessed_on=date(2025, 1, 1))
    other_state = ReturnAssessmentFactory(person=person_a, country="MA", assessed_on=date(2023, 1, 1))
    nobody = factories.PersonFactory(organisation=org_a)

    current = selectors.current_return_assessments(persons=[person_a, nobody])

    assert current[person_a.pk] == [latest, other_state]
    assert current[nobody.pk] == []


# --- Entry into custody ----------------------------------------------------------------------------


def test_custody_entry_links_only_a_screening_of_the_same_person(person_a, org_a):
    own = factories.ScreeningFactory(person=person_a)
    CustodyEntryFactory.build(person=person_a, screening=own).full_clean()

    other = factories.ScreeningFactory(person=factories.PersonFactory(organisation=org_a))
    with pytest.raises(ValidationError) as error:
        CustodyEntryFactory.build(person=person_a, screening=other).full_clean()
    assert "screening" in error.value.message_dict


def test_custody_entry_keeps_the_population_category_assigned_at_screening(person_a, caseworker_a):
    entry = services.person_record_add(
        person=person_a,
        record=CustodyEntryFactory.build(person=None, population_category=CustodyEntry.PopulationCategory.IRAQI),
        actor=caseworker_a,
    )
    assert CustodyEntry.objects.get(pk=entry.pk).get_population_category_display() == "Iraqi"


# --- Legal proceedings and hearings ----------------------------------------------------------------


def test_an_appeal_names_a_request_that_covers_the_person(person_a, org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    proceeding = LegalProceedingFactory.build(person=person_a, request=request)
    with pytest.raises(ValidationError) as error:
        proceeding.full_clean()
    assert "request" in error.value.message_dict

    factories.RequestedPersonFactory(request=request, person=person_a)
    proceeding.full_clean()


def test_a_proceeding_shows_the_court_deadlines_of_its_request(person_a, org_a):
    request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=request, person=person_a)
    factories.RequestEventFactory(request=request, kind=EventKind.COURT_DEADLINE, due_on=date(2025, 9, 1))
    factories.RequestEventFactory(request=request, kind=EventKind.COURT_DEADLINE, due_on=date(2025, 7, 1))
    factories.RequestEventFactory(request=request, kind=EventKind.FOLLOW_UP, due_on=date(2025, 8, 1))

    appeal = LegalProceedingFactory(person=person_a, kind="appeal", request=request)

    assert appeal.court_deadlines() == [date(2025, 7, 1), date(2025, 9, 1)]
    assert LegalProceedingFactory(person=person_a).court_deadlines() == []


def test_a_pending_proceeding_has_no_outcome_date_and_an_outcome_follows_the_opening(person_a):
    with pytest.raises(ValidationError):
        LegalProceedingFactory.build(person=person_a, outcome_on=date(2021, 1, 1)).full_clean()
    with pytest.raises(ValidationError):
        LegalProceedingFactory.build(
            person=person_a, outcome=ProceedingOutcome.ACQUITTED, outcome_on=date(2019, 1, 1)
        ).full_clean()
    LegalProceedingFactory.build(
        person=person_a, outcome=ProceedingOutcome.ACQUITTED, outcome_on=date(2021, 1, 1)
    ).full_clean()


def test_a_hearing_belongs_to_a_proceeding_of_the_same_person(person_a, org_a):
    other = LegalProceedingFactory(person=factories.PersonFactory(organisation=org_a))
    with pytest.raises(ValidationError) as error:
        Hearing(person=person_a, proceeding=other, hearing_on=date(2027, 1, 1)).full_clean()
    assert "proceeding" in error.value.message_dict


def test_str_of_a_proceeding_names_neither_its_kind_nor_its_state(person_a):
    proceeding = LegalProceedingFactory(person=person_a)
    assert "FR" not in str(proceeding) and "warrant" not in str(proceeding).lower()
    assert person_a.case_number in str(proceeding)


# --- Statelessness risk ----------------------------------------------------------------------------


def test_an_unregistered_birth_is_a_statelessness_risk_without_any_nationality_claim(org_a):
    child = factories.PersonFactory(organisation=org_a, child=True, birth_unregistered=True)
    registered = factories.PersonFactory(organisation=org_a, child=True)

    assert not child.nationality_claims.exists()
    assert child.has_statelessness_risk
    assert child.statelessness_risk_reasons() == ["Born in the camps without a birth registration."]
    assert not registered.has_statelessness_risk
    assert set(Person.objects.at_risk_of_statelessness()) == {child}


def test_a_flagged_claim_is_a_statelessness_risk_too_and_both_reasons_are_given(org_a):
    person = factories.PersonFactory(organisation=org_a, birth_unregistered=True)
    factories.NationalityClaimFactory(person=person, country="FR", statelessness_risk=True)
    flagged_only = factories.PersonFactory(organisation=org_a)
    factories.NationalityClaimFactory(person=flagged_only, country="FR", statelessness_risk=True)
    factories.NationalityClaimFactory(person=flagged_only, country="MA", statelessness_risk=True, is_primary=False)

    assert len(person.statelessness_risk_reasons()) == 2
    assert flagged_only.statelessness_risk_reasons() == ["Nationality claim flagged: France, Morocco."]
    # One row per person, even with two flagged claims.
    assert list(Person.objects.at_risk_of_statelessness().order_by("pk")) == [person, flagged_only]

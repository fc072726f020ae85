"""Factories of what the situation needs recorded: entry into custody, journey to Syria, return wish and
risk, legal proceedings and hearings (kept apart from `tests/factories.py`, which passed ~300 lines)."""

from datetime import date

import factory

from casework.legal.choices import ProceedingKind, ProceedingOutcome
from casework.legal.models import Hearing, LegalProceeding
from casework.people.choices import DatePrecision, ReturnRisk, ReturnWish
from casework.people.models import JourneyToSyria, ReturnAssessment
from casework.screenings.models import CustodyEntry
from tests.factories import PersonFactory


class CustodyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustodyEntry

    person = factory.SubFactory(PersonFactory)
    event = CustodyEntry.Event.SURRENDER
    occurred_on = date(2019, 3, 10)
    place = "Baghuz"
    screening_point = "Synthetic screening point"
    population_category = CustodyEntry.PopulationCategory.THIRD_COUNTRY_NATIONAL
    notes = "Synthetic entry notes."


class JourneyToSyriaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyToSyria

    person = factory.SubFactory(PersonFactory)
    travelled_on = date(2015, 6, 1)
    travel_date_precision = DatePrecision.MONTH
    travelled_from = "FR"
    travelled_with = "Husband"
    coercion_indicator = True
    indicator_notes = "Synthetic indication notes."


class ReturnAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnAssessment

    person = factory.SubFactory(PersonFactory)
    country = "FR"
    assessed_on = date(2025, 5, 1)
    wish = ReturnWish.WISHES_TO_RETURN
    risk = ReturnRisk.NO_REAL_RISK
    risk_grounds = "Synthetic risk grounds."


class LegalProceedingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalProceeding

    person = factory.SubFactory(PersonFactory)
    kind = ProceedingKind.WARRANT
    country = "FR"
    authority = "Synthetic court"
    reference = "SYN-001"
    opened_on = date(2020, 1, 15)
    outcome = ProceedingOutcome.PENDING
    notes = "Synthetic proceeding notes."


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    proceeding = factory.SubFactory(LegalProceedingFactory)
    person = factory.SelfAttribute("proceeding.person")
    hearing_on = date(2027, 1, 20)
    court = "Synthetic court"
    purpose = "First hearing"

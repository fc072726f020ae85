"""Anonymisation reaches the records added after it was written: legal proceedings and hearings (L3 as a
whole), the L3 values and notes of the entry into custody, the journey to Syria and the return assessment,
with their history rows; and the tombstone of a record merged into the person, which keeps its own names."""

from datetime import date

import pytest
from django.core.files.base import ContentFile

from casework.legal.models import Hearing, LegalProceeding
from casework.people.models import JourneyToSyria, Person, ReturnAssessment
from casework.retention import services
from casework.screenings.models import CustodyEntry
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    HearingFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(org_a):
    return factories.PersonFactory(organisation=org_a, given_name_lat="Zubaida", closed=True)


def test_legal_proceedings_and_hearings_are_removed_with_their_history(closed_case, orgadmin_a):
    hearing = HearingFactory(proceeding=LegalProceedingFactory(person=closed_case))

    services.person_anonymise(person=closed_case, actor=orgadmin_a)

    assert not LegalProceeding.objects.filter(person=closed_case).exists()
    assert not Hearing.objects.filter(pk=hearing.pk).exists()
    assert not LegalProceeding.history.filter(person_id=closed_case.pk).exists()
    assert not Hearing.history.filter(person_id=closed_case.pk).exists()


def test_l3_values_of_entry_journey_and_return_assessment_are_emptied_with_their_history(closed_case, orgadmin_a):
    entry = CustodyEntryFactory(person=closed_case)
    journey = JourneyToSyriaFactory(person=closed_case, minor_indicator=True, trafficking_indicator=True)
    assessment = ReturnAssessmentFactory(person=closed_case)

    services.person_anonymise(person=closed_case, actor=orgadmin_a)

    entry, journey, assessment = (
        CustodyEntry.objects.get(pk=entry.pk),
        JourneyToSyria.objects.get(pk=journey.pk),
        ReturnAssessment.objects.get(pk=assessment.pk),
    )
    assert entry.notes == ""
    assert (journey.minor_indicator, journey.coercion_indicator, journey.trafficking_indicator) == (False,) * 3
    assert journey.indicator_notes == ""
    assert assessment.risk_grounds == ""
    # What is counted stays.
    assert (entry.event, journey.travelled_from.code, assessment.country.code) == ("surrender", "FR", "FR")
    for model in (CustodyEntry, JourneyToSyria, ReturnAssessment):
        assert not model.history.filter(person_id=closed_case.pk).exists(), model


def test_the_tombstone_of_a_record_merged_into_the_person_loses_its_names_too(
    closed_case, orgadmin_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    tombstone = factories.PersonFactory(
        organisation=closed_case.organisation,
        given_name_lat="Zubayda",
        family_name_ar="الفرنسية",
        place_of_birth="Mosul",
        health_notes="SECRET-HEALTH",
        birth_date=date(1990, 5, 17),
        merged_into=closed_case,
    )
    tombstone.photo.save("photo.png", ContentFile(b"\x89PNG fake"), save=True)
    photo = tmp_path / tombstone.photo.name
    assert photo.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.person_anonymise(person=closed_case, actor=orgadmin_a)

    tombstone = Person.objects.get(pk=tombstone.pk)
    assert (tombstone.given_name_lat, tombstone.family_name_ar, tombstone.place_of_birth) == ("", "", "")
    assert (tombstone.health_notes, tombstone.photo.name) == ("", "")
    assert (tombstone.birth_date.month, tombstone.birth_date.day) == (1, 1)
    assert tombstone.merged_into_id == closed_case.pk
    assert not tombstone.history.exists()
    assert not photo.exists()

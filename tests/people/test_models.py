"""Person and related models: derived fields, validation messages and database constraints."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casework.people.choices import DatePrecision
from casework.people.models import CustodyPeriod, Person
from casework.people.names import normalise_name
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("precision", "given", "earliest", "latest"),
    [
        (DatePrecision.EXACT, date(2012, 5, 17), date(2012, 5, 17), date(2012, 5, 17)),
        (DatePrecision.MONTH, date(2012, 2, 10), date(2012, 2, 1), date(2012, 2, 29)),
        (DatePrecision.YEAR, date(2012, 7, 1), date(2012, 1, 1), date(2012, 12, 31)),
    ],
)
def test_birth_date_range_follows_precision(precision, given, earliest, latest):
    person = factories.PersonFactory(birth_date=given, birth_date_precision=precision)
    person.refresh_from_db()
    assert (person.birth_date_earliest, person.birth_date_latest) == (earliest, latest)


def test_estimated_range_is_kept_as_entered():
    person = factories.PersonFactory(
        birth_date=None,
        birth_date_precision=DatePrecision.RANGE,
        birth_date_earliest=date(2010, 1, 1),
        birth_date_latest=date(2012, 12, 31),
    )
    person.refresh_from_db()
    assert person.birth_date_earliest == date(2010, 1, 1)
    # Age milestones use the earliest plausible date of birth: the oldest the person can be.
    assert person.age_on(date(2022, 1, 1)) == 12
    assert person.age_on(date(2022, 1, 1), oldest=False) == 9


def test_name_search_folds_scripts_and_spellings():
    person = factories.PersonFactory(
        given_name_lat="Muḥammad",
        father_name_lat="",
        family_name_lat="Al-Faransi",
        given_name_ar="مُحَمَّد",
        family_name_ar="الفرنسي",
    )
    assert "muhammad al faransi" in person.name_search
    assert normalise_name("مُحَمَّد") in person.name_search
    assert normalise_name("أحمد") == normalise_name("احمد")


def test_str_shows_case_number_not_name():
    person = factories.PersonFactory(case_number="ORG-000042", given_name_lat="Khadija")
    assert str(person) == "ORG-000042"
    assert "Khadija" not in str(person)


def test_clean_requires_a_name_in_some_script():
    person = factories.PersonFactory.build(given_name_lat="", father_name_lat="", family_name_lat="", **_no_ar())
    with pytest.raises(ValidationError) as excinfo:
        person.clean()
    assert "given_name_lat" in excinfo.value.message_dict


def _no_ar():
    return {"given_name_ar": "", "father_name_ar": "", "grandfather_name_ar": "", "family_name_ar": ""}


def test_clean_rejects_death_before_birth_with_a_field_error():
    person = factories.PersonFactory.build(
        birth_date=date(2015, 3, 1), birth_date_precision=DatePrecision.EXACT, date_of_death=date(2014, 1, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        person.clean()
    assert excinfo.value.message_dict["date_of_death"] == ["The date of death is before the date of birth."]


def test_clean_rejects_birth_in_the_future_and_reversed_range():
    person = factories.PersonFactory.build(birth_date=date(2999, 1, 1), birth_date_precision=DatePrecision.EXACT)
    with pytest.raises(ValidationError) as excinfo:
        person.clean()
    assert "birth_date" in excinfo.value.message_dict
    person = factories.PersonFactory.build(
        birth_date=None,
        birth_date_precision=DatePrecision.RANGE,
        birth_date_earliest=date(2012, 1, 1),
        birth_date_latest=date(2010, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        person.clean()
    assert "birth_date_latest" in excinfo.value.message_dict


def test_database_refuses_duplicate_case_number_in_one_organisation(org_a, org_b):
    factories.PersonFactory(organisation=org_a, case_number="X-1")
    factories.PersonFactory(organisation=org_b, case_number="X-1")  # another organisation: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(organisation=org_a, case_number="X-1")


def test_database_refuses_death_before_birth_even_without_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(
            birth_date=date(2015, 3, 1), birth_date_precision=DatePrecision.EXACT, date_of_death=date(2014, 1, 1)
        )


def test_database_refuses_closed_case_without_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(status="closed", closure_reason="")


def test_database_refuses_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(status="x")


def test_database_allows_one_open_custody_period_per_person():
    period = factories.CustodyPeriodFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CustodyPeriodFactory(person=period.person, facility=period.facility, start_date=date(2021, 1, 1))


def test_database_refuses_custody_period_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CustodyPeriodFactory(start_date=date(2021, 1, 1), end_date=date(2020, 1, 1))


def test_overlapping_custody_periods_get_a_field_error():
    open_period = factories.CustodyPeriodFactory(start_date=date(2020, 1, 1))
    clash = CustodyPeriod(
        person=open_period.person, facility=open_period.facility, start_date=date(2019, 6, 1), end_date=date(2020, 6, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "overlaps" in excinfo.value.message_dict["start_date"][0]
    # Half-open periods: leaving on the day the open period starts is not an overlap.
    before = CustodyPeriod(
        person=open_period.person, facility=open_period.facility, start_date=date(2019, 6, 1), end_date=date(2020, 1, 1)
    )
    before.full_clean()


def test_custody_section_must_belong_to_the_facility():
    period = factories.CustodyPeriodFactory.build(
        person=factories.PersonFactory(),
        facility=factories.FacilityFactory(),
        section=factories.FacilitySectionFactory(),
    )
    with pytest.raises(ValidationError) as excinfo:
        period.full_clean()
    assert "section" in excinfo.value.message_dict


def test_database_refuses_dna_result_before_sampling():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DnaTestFactory(sampled_on=date(2025, 2, 1), result_received_on=date(2025, 1, 1))


def test_database_refuses_second_claim_for_same_state():
    claim = factories.NationalityClaimFactory(country="MA")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.NationalityClaimFactory(person=claim.person, country="MA", is_primary=False)


def test_database_refuses_family_link_to_self():
    person = factories.PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.FamilyLinkFactory(person=person, relative=person)


def test_document_expiry_before_issue_is_a_field_error():
    document = factories.IdentityDocumentFactory.build(
        person=factories.PersonFactory(), issued_on=date(2020, 1, 1), expires_on=date(2019, 1, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        document.full_clean()
    assert "expires_on" in excinfo.value.message_dict


def test_arabic_names_round_trip_through_the_database():
    person = factories.PersonFactory(given_name_ar="عائشة", father_name_ar="", family_name_ar="الشيشانية")
    assert Person.objects.get(pk=person.pk).full_name_ar == "عائشة الشيشانية"

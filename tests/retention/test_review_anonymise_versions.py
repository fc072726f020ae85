"""An edit page opened before the anonymisation and saved after it must not write the names and notes back:
the anonymisation is a change of the rows like any other, so an older version is refused (optimistic concurrency)."""

import pytest

from casework.people import services as people_services
from casework.people.models import CustodyPeriod, Person
from casework.retention import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_saving_a_person_form_built_before_the_anonymisation_is_refused(org_a, caseworker_a, orgadmin_a):
    person = factories.PersonFactory(organisation=org_a, given_name_lat="Zubaida", place_of_birth="Mosul", closed=True)
    form_instance = Person.objects.get(pk=person.pk)  # what the edit page was built from
    form_instance.notes = "typo fixed"

    services.person_anonymise(person=person, actor=orgadmin_a)

    with pytest.raises(people_services.ConcurrentEditError):
        people_services.person_update(
            person=form_instance, actor=caseworker_a, expected_updated_at=form_instance.updated_at
        )
    person.refresh_from_db()
    assert (person.given_name_lat, person.place_of_birth) == ("", "")


def test_saving_a_record_form_built_before_the_anonymisation_is_refused(org_a, caseworker_a, orgadmin_a):
    person = factories.PersonFactory(organisation=org_a, closed=True)
    period = factories.CustodyPeriodFactory(person=person, exact_location="Block 9, tent 3", notes="Near the gate")
    form_instance = CustodyPeriod.objects.get(pk=period.pk)
    form_instance.transfer_reason = period.transfer_reason

    services.person_anonymise(person=person, actor=orgadmin_a)

    with pytest.raises(people_services.ConcurrentEditError):
        people_services.person_record_update(
            record=form_instance, actor=caseworker_a, expected_updated_at=form_instance.updated_at
        )
    period.refresh_from_db()
    assert (period.exact_location, period.notes) == ("", "")

"""L3 fields: absent for users without `accounts.view_sensitive_data`, shown and logged for users with it."""

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.people.models import Household
from tests import factories

from .utils import changeform_data

pytestmark = pytest.mark.django_db

HEALTH = "MARKER-HEALTH-7c1f"
PROTECTION = "MARKER-PROTECTION-51aa"
TENT = "MARKER-TENT-9d2e"
FINDINGS = "MARKER-FINDINGS-3b8a"
ASSESSMENT = "MARKER-ASSESSMENT-e40c"
DNA = "MARKER-DNA-77f0"
MARKERS = (HEALTH, PROTECTION, TENT, FINDINGS, ASSESSMENT, DNA)
L3_INPUTS = (
    'name="health_notes"',
    'name="child_protection_notes"',
    'name="medical_urgent"',
    "exact_location",
    "armed_group_link",
    # The screening's outcome (L3); an assessment's outcome is not sensitive.
    "screenings-0-outcome",
    "screenings-__prefix__-outcome",
    "-findings",
)


@pytest.fixture
def sensitive_person(person_a):
    person_a.health_notes = HEALTH
    person_a.child_protection_notes = PROTECTION
    person_a.medical_urgent = True
    person_a.save()
    factories.AliasFactory(person=person_a, armed_group_link=True)
    custody = factories.CustodyPeriodFactory(person=person_a, exact_location=TENT)
    screening = factories.ScreeningFactory(person=person_a, findings=FINDINGS, outcome="detained")
    factories.AssessmentFactory(person=person_a, findings=ASSESSMENT)
    factories.DnaTestFactory(person=person_a, notes=DNA)
    return person_a, custody, screening


def _person_url(person, view="change"):
    return reverse(f"admin:people_person_{view}", args=[person.pk])


def test_a_supervisor_without_the_permission_sees_no_l3_field(client_for, supervisor_a, sensitive_person):
    person, *_rows = sensitive_person

    html = client_for(supervisor_a).get(_person_url(person)).content.decode()

    assert person.case_number in html
    for marker in MARKERS:
        assert marker not in html
    for field in L3_INPUTS:
        assert field not in html
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_screening_and_custody_pages_hide_l3_fields_without_the_permission(client_for, supervisor_a, sensitive_person):
    _person, custody, screening = sensitive_person
    client = client_for(supervisor_a)

    screening_html = client.get(reverse("admin:screenings_screening_change", args=[screening.pk])).content.decode()
    custody_html = client.get(reverse("admin:people_custodyperiod_change", args=[custody.pk])).content.decode()
    search = client.get(reverse("admin:screenings_screening_changelist"), {"q": FINDINGS})

    assert FINDINGS not in screening_html and 'name="outcome"' not in screening_html
    assert "Detained" not in screening_html
    assert TENT not in custody_html and "exact_location" not in custody_html
    assert list(search.context["cl"].result_list) == []


def test_a_supervisor_with_the_permission_sees_l3_fields_and_the_reading_is_logged(
    client_for, sensitive_supervisor_a, sensitive_person
):
    person, custody, screening = sensitive_person

    html = client_for(sensitive_supervisor_a).get(_person_url(person)).content.decode()

    for marker in MARKERS:
        assert marker in html
    reads = AuditEvent.objects.filter(action=SENSITIVE_READ, actor=sensitive_supervisor_a)
    read_ids = set(reads.values_list("target_id", flat=True))
    assert {str(person.public_id), str(custody.public_id), str(screening.public_id)} <= read_ids
    assert all(event.organisation_id == person.organisation_id for event in reads)


def test_a_change_form_without_l3_fields_shown_logs_nothing(client_for, sensitive_supervisor_a, world):
    household = world["a"][Household]

    client_for(sensitive_supervisor_a).get(reverse("admin:people_household_change", args=[household.pk]))

    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_saving_a_person_without_the_permission_keeps_the_l3_fields(client_for, supervisor_a, sensitive_person):
    person, custody, _screening = sensitive_person
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_person_url(person)))
    data["place_of_birth"] = "Mosul"
    data["health_notes"] = "overwritten"  # not a field of this user's form: ignored

    response = client.post(_person_url(person), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    person.refresh_from_db()
    custody.refresh_from_db()
    assert (person.place_of_birth, person.health_notes, person.medical_urgent) == ("Mosul", HEALTH, True)
    assert custody.exact_location == TENT


def test_history_needs_the_l3_permission_and_its_reading_is_logged(
    client_for, supervisor_a, sensitive_supervisor_a, sensitive_person
):
    person, _custody, screening = sensitive_person
    version = person.history.first()
    history_form = reverse("admin:people_person_simple_history", args=[person.pk, version.history_id])

    assert client_for(supervisor_a).get(_person_url(person, "history")).status_code == 403
    assert client_for(supervisor_a).get(history_form).status_code == 403
    screening_history = reverse("admin:screenings_screening_history", args=[screening.pk])
    assert client_for(supervisor_a).get(screening_history).status_code == 403

    client = client_for(sensitive_supervisor_a)
    response = client.get(_person_url(person, "history"))
    assert response.status_code == 200
    assert client.get(history_form).status_code == 200
    reads = AuditEvent.objects.filter(action=SENSITIVE_READ, target_id=str(person.public_id))
    assert reads.filter(data__context="admin:people.person.history").count() == 2


def test_history_cannot_revert(client_for, sensitive_supervisor_a, sensitive_person):
    person, *_ = sensitive_person
    version = person.history.last()
    url = reverse("admin:people_person_simple_history", args=[person.pk, version.history_id])

    response = client_for(sensitive_supervisor_a).post(url, {"given_name_lat": "Changed"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.given_name_lat != "Changed"

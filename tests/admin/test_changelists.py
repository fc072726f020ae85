"""What supervisors do with the lists: filter, search, and the guards around them."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people.models import CustodyPeriod, Person
from tests import factories

pytestmark = pytest.mark.django_db

PERSONS = reverse("admin:people_person_changelist")


def _listed(client, url, **params):
    return list(client.get(url, params).context["cl"].result_list)


def test_person_filters_narrow_the_list(client_for, supervisor_a, org_a, caseworker_a):
    roj, hol = factories.FacilityFactory(name="Roj"), factories.FacilityFactory(name="al-Hol")
    french = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    factories.NationalityClaimFactory(person=french, country="FR")
    factories.CustodyPeriodFactory(person=french, facility=roj)
    russian = factories.PersonFactory(organisation=org_a)
    factories.NationalityClaimFactory(person=russian, country="RU")
    factories.CustodyPeriodFactory(person=russian, facility=hol, start_date="2019-01-01", end_date="2020-01-01")
    factories.CustodyPeriodFactory(person=russian, facility=roj, start_date="2020-01-01")
    client = client_for(supervisor_a)

    assert _listed(client, PERSONS, nationality="FR") == [french]
    assert _listed(client, PERSONS, facility=str(hol.pk)) == []  # only the open period counts
    assert set(_listed(client, PERSONS, facility=str(roj.pk))) == {french, russian}
    assert _listed(client, PERSONS, assigned="none") == [russian]
    assert _listed(client, PERSONS, assigned=str(caseworker_a.pk)) == [french]


def test_person_columns_show_nationality_facility_and_age(client_for, supervisor_a, org_a):
    person = factories.PersonFactory(organisation=org_a, birth_date="2016-03-01", birth_date_precision="exact")
    factories.NationalityClaimFactory(person=person, country="MA")
    factories.CustodyPeriodFactory(person=person, facility=factories.FacilityFactory(name="Houri centre"))

    html = client_for(supervisor_a).get(PERSONS).content.decode()
    person.refresh_from_db()

    assert "Morocco" in html and "Houri centre" in html and person.case_number in html
    assert f'<td class="field-age">{person.age}</td>' in html


def test_filter_choices_come_from_the_users_organisation_only(client_for, supervisor_a, person_a, person_b):
    factories.NationalityClaimFactory(person=person_b, country="ID")
    factories.NationalityClaimFactory(person=person_a, country="FR")

    response = client_for(supervisor_a).get(PERSONS)

    html = response.content.decode()
    assert "France" in html and "Indonesia" not in html
    assert "caseworker_b" not in html


def test_the_organisation_filter_is_for_superusers_only(client_for, supervisor_a, superuser, person_a, person_b):
    assert "organisation__id__exact" not in client_for(supervisor_a).get(PERSONS).content.decode()
    assert set(_listed(client_for(superuser), PERSONS, organisation__id__exact=person_b.organisation_id)) == {person_b}


@pytest.mark.parametrize("role", ["supervisor_a", "sensitive_supervisor_a"])
def test_url_filters_on_l3_fields_are_refused(client_for, role, request, person_a):
    person_a.health_notes = "tuberculosis"
    person_a.save()
    client = client_for(request.getfixturevalue(role))

    assert client.get(PERSONS, {"health_notes__contains": "tuber"}).status_code == 400
    screenings = reverse("admin:screenings_screening_changelist")
    assert client.get(screenings, {"outcome": "detained"}).status_code == 400


def test_search_matches_names_in_both_scripts_and_case_number_prefixes(client_for, supervisor_a, org_a):
    person = factories.PersonFactory(
        organisation=org_a, given_name_lat="Hüseyin", family_name_lat="Yılmaz", given_name_ar="حسين"
    )
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Hassan", given_name_ar="حسن")
    client = client_for(supervisor_a)

    assert _listed(client, PERSONS, q="huseyin") == [person]
    assert _listed(client, PERSONS, q="حسين") == [person]
    assert _listed(client, PERSONS, q=other.case_number.lower()) == [other]


def test_audit_events_are_scoped_and_filtered_by_actor(client_for, supervisor_a, caseworker_a, org_a, org_b):
    mine = AuditEvent.objects.create(organisation_id=org_a.pk, actor=caseworker_a, action="people.person.updated")
    AuditEvent.objects.create(organisation_id=org_a.pk, actor=supervisor_a, action="people.person.updated")
    AuditEvent.objects.create(organisation_id=org_b.pk, action="people.person.updated")
    url = reverse("admin:core_auditevent_changelist")
    client = client_for(supervisor_a)

    # The supervisor's own login is an event of the organisation too.
    assert len([e for e in _listed(client, url) if e.action == "people.person.updated"]) == 2
    assert _listed(client, url, actor=str(caseworker_a.pk)) == [mine]
    assert client.post(reverse("admin:core_auditevent_change", args=[mine.pk]), {}).status_code == 403


def test_saving_a_row_of_another_organisation_is_refused(supervisor_a, person_b):
    request = RequestFactory().post("/")
    request.user = supervisor_a
    period = CustodyPeriod(person=person_b, facility=factories.FacilityFactory(), start_date="2020-01-01")

    with pytest.raises(PermissionDenied):
        admin.site._registry[CustodyPeriod].save_model(request, period, form=None, change=False)
    assert not CustodyPeriod.objects.exists()


def test_admin_saves_and_deletes_are_audited(client_for, orgadmin_a, org_a):
    household = factories.HouseholdFactory(organisation=org_a)
    client = client_for(orgadmin_a)

    client.post(
        reverse("admin:camps_facility_add"),
        {
            "name": "Newroz",
            "kind": "camp",
            "is_active": "on",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
            "control_periods-TOTAL_FORMS": "0",
            "control_periods-INITIAL_FORMS": "0",
        },
    )
    client.post(reverse("admin:people_household_delete", args=[household.pk]), {"post": "yes"})

    assert AuditEvent.objects.filter(action="admin.camps.facility.saved", actor=orgadmin_a).exists()
    deleted = AuditEvent.objects.get(action="admin.people.household.deleted")
    assert (deleted.target_id, deleted.organisation_id) == (str(household.public_id), org_a.pk)


def test_two_open_control_periods_in_one_submission_are_a_form_error(client_for, orgadmin_a):
    authority = factories.ControllingAuthorityFactory()
    client = client_for(orgadmin_a)
    data = {
        "name": "Newroz",
        "kind": "camp",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "control_periods-TOTAL_FORMS": "2",
        "control_periods-INITIAL_FORMS": "0",
        "control_periods-0-authority": authority.pk,
        "control_periods-0-start_date": "2019-03-01",
        "control_periods-1-authority": authority.pk,
        "control_periods-1-start_date": "2026-01-20",
    }

    response = client.post(reverse("admin:camps_facility_add"), data)

    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "overlaps" in response.content.decode()

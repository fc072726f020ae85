"""Adding and editing persons through the admin: registration service, scoped choices, validation, autocomplete."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people import services
from casework.people.models import CustodyPeriod, DnaTest, FamilyLink, Person
from casework.people.services.records import FAMILY_LINK_REMOVED
from tests import factories

from .utils import add_inline_row, changeform_data, inline_errors, messages_of

pytestmark = pytest.mark.django_db

ADD = reverse("admin:people_person_add")


def _change(person):
    return reverse("admin:people_person_change", args=[person.pk])


def _new_person_data(client, **fields):
    data = changeform_data(client.get(ADD))
    data.update(
        {
            "given_name_lat": "Maryam",
            "family_name_lat": "Dupont",
            "sex": "female",
            "birth_date": "2015-01-01",
            "birth_date_precision": "year",
            "separation_status": "none",
            "languages": "[]",
        }
    )
    data.update({k: str(v) for k, v in fields.items()})
    return data


def test_a_person_added_by_a_caseworker_is_registered_in_their_organisation(client_for, caseworker_a, org_a, org_b):
    client = client_for(caseworker_a)

    response = client.post(ADD, _new_person_data(client, organisation=org_b.pk))

    assert response.status_code == 302, response.context and response.context["errors"]
    person = Person.objects.get()
    assert (person.case_number, person.organisation, person.created_by) == ("ORGA-000001", org_a, caseworker_a)
    assert person.status == "registered"
    assert AuditEvent.objects.filter(action="people.person.registered", target_id=str(person.public_id)).exists()


def test_an_assigned_only_user_gets_the_case_they_register(client_for, fieldworker_a):
    client = client_for(fieldworker_a)

    response = client.post(ADD, _new_person_data(client))

    assert response.status_code == 302
    assert Person.objects.get().assigned_to == fieldworker_a


def test_a_superuser_chooses_the_organisation(client_for, superuser, org_b):
    client = client_for(superuser)

    client.post(ADD, _new_person_data(client, organisation=org_b.pk))

    assert Person.objects.get().case_number == "ORGB-000001"


def test_a_caseworker_of_another_organisation_cannot_be_assigned_on_add(client_for, supervisor_a, caseworker_b):
    client = client_for(supervisor_a)

    response = client.post(ADD, _new_person_data(client, assigned_to=caseworker_b.pk))

    assert response.status_code == 200
    assert "assigned_to" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_a_date_of_death_before_birth_is_a_field_error_and_saves_nothing(client_for, caseworker_a):
    client = client_for(caseworker_a)

    response = client.post(ADD, _new_person_data(client, date_of_death="2010-05-01"))

    assert response.status_code == 200
    assert "date_of_death" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_an_edit_goes_through_person_update(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    data["place_of_birth"] = "Raqqa"

    response = client.post(_change(person_a), data)

    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.place_of_birth == "Raqqa"
    assert AuditEvent.objects.filter(action="people.person.updated", actor=caseworker_a).exists()


def test_the_status_and_organisation_cannot_be_posted(client_for, supervisor_a, person_a, org_b):
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(person_a)))
    data.update({"status": "closed", "organisation": org_b.pk, "case_number": "X-1", "assigned_to": ""})

    client.post(_change(person_a), data)

    person_a.refresh_from_db()
    assert (person_a.status, person_a.organisation_id) == ("registered", supervisor_a.organisation_id)
    assert person_a.case_number != "X-1" and person_a.assigned_to_id is not None


def test_a_family_link_to_a_person_of_another_organisation_is_a_form_error(
    client_for, caseworker_a, person_a, person_b
):
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(data, "family_links", relative=person_b.pk, relation="mother")

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    assert "relative" in inline_errors(response)["family_links"][0]
    assert not FamilyLink.objects.exists()


def test_a_family_link_added_inline_is_written_in_both_directions(client_for, caseworker_a, person_a, org_a):
    child = factories.PersonFactory(organisation=org_a, assigned_to=person_a.assigned_to, sex="male")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(data, "family_links", relative=child.pk, relation="child")

    response = client.post(_change(person_a), data)

    assert response.status_code == 302, inline_errors(response)
    assert FamilyLink.objects.filter(person=person_a, relative=child, relation="child").exists()
    assert FamilyLink.objects.filter(person=child, relative=person_a, relation="mother").exists()


def test_a_family_link_edited_inline_mirrors_its_inverse(client_for, supervisor_a, person_a, org_a):
    child = factories.PersonFactory(organisation=org_a, sex="male")
    services.family_link_create(person=person_a, relative=child, relation="child", actor=supervisor_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(person_a)))
    data["family_links-0-is_verified"] = "on"
    data["family_links-0-notes"] = "Confirmed by the camp registry."

    response = client.post(_change(person_a), data)

    assert response.status_code == 302, inline_errors(response)
    inverse = FamilyLink.objects.get(person=child, relative=person_a)
    assert (inverse.is_verified, inverse.notes) == (True, "Confirmed by the camp registry.")
    assert AuditEvent.objects.filter(action="people.familylink.updated").count() == 1


def test_a_family_link_cannot_move_to_another_relative_inline(client_for, supervisor_a, person_a, org_a):
    child = factories.PersonFactory(organisation=org_a, sex="male")
    other = factories.PersonFactory(organisation=org_a, sex="female")
    services.family_link_create(person=person_a, relative=child, relation="child", actor=supervisor_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(person_a)))
    data["family_links-0-relative"] = str(other.pk)

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    assert "A link cannot move to another relative" in str(inline_errors(response))
    assert FamilyLink.objects.filter(person=child, relative=person_a).exists()
    assert not FamilyLink.objects.filter(person__in=[person_a, other], relative__in=[person_a, other]).exists()


def test_a_family_link_deleted_inline_removes_its_inverse(client_for, supervisor_a, person_a, org_a):
    child = factories.PersonFactory(organisation=org_a, sex="male")
    services.family_link_create(person=person_a, relative=child, relation="child", actor=supervisor_a)
    client = client_for(supervisor_a)
    data = changeform_data(client.get(_change(person_a)))
    data["family_links-0-DELETE"] = "on"

    response = client.post(_change(person_a), data)

    assert response.status_code == 302, inline_errors(response)
    assert not FamilyLink.objects.filter(person__in=[person_a, child]).exists()
    inverse_events = AuditEvent.objects.filter(action=FAMILY_LINK_REMOVED, data__inverse=True)
    assert inverse_events.count() == 1


def test_a_family_link_deleted_inline_while_the_relative_leaves_the_caseload_is_refused_with_a_message(
    client_for, caseworker_a, fieldworker_a, org_a, monkeypatch
):
    person = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, sex="male")
    relative = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, sex="female")
    services.family_link_create(person=person, relative=relative, relation="mother", actor=caseworker_a)
    fieldworker_a.user_permissions.add(Permission.objects.get(codename="delete_familylink"))
    client = client_for(fieldworker_a)
    data = changeform_data(client.get(_change(person)))
    data["family_links-0-DELETE"] = "on"
    inverse_remove = services.family_link_inverse_remove

    def reassigned_meanwhile(**kwargs):
        # The relative is reassigned to someone else while the admin saves: the inline's own
        # scoping passed, so the service's check is what refuses.
        Person.objects.filter(pk=relative.pk).update(assigned_to=caseworker_a)
        return inverse_remove(**kwargs)

    monkeypatch.setattr(services, "family_link_inverse_remove", reassigned_meanwhile)

    response = client.post(_change(person), data)

    assert response.status_code == 302, inline_errors(response)
    assert messages_of(response) == [
        "Nothing was saved: A family link to a relative outside your caseload cannot be removed."
    ]
    assert FamilyLink.objects.filter(person=person, relative=relative).exists()
    assert FamilyLink.objects.filter(person=relative, relative=person).exists()
    assert not AuditEvent.objects.filter(action=FAMILY_LINK_REMOVED).exists()


def test_a_custody_row_posted_for_a_person_of_another_organisation_is_refused(
    client_for, caseworker_a, person_a, person_b
):
    facility = factories.FacilityFactory()
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(data, "custody_periods", person=person_b.pk, facility=facility.pk, start_date="2020-01-01")

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    assert inline_errors(response)["custody_periods"]
    assert not CustodyPeriod.objects.exists()


def test_a_custody_period_for_a_person_of_another_organisation_cannot_be_added(client_for, caseworker_a, person_b):
    facility = factories.FacilityFactory()
    url = reverse("admin:people_custodyperiod_add")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(url))
    data.update(
        {"person": person_b.pk, "facility": facility.pk, "start_date": "2020-01-01", "transfer_reason": "initial"}
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors
    assert not CustodyPeriod.objects.exists()


def test_overlapping_custody_periods_are_refused(client_for, caseworker_a, person_a):
    existing = factories.CustodyPeriodFactory(person=person_a, start_date="2019-04-01")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(
        data, "custody_periods", facility=existing.facility_id, start_date="2020-01-01", transfer_reason="transfer"
    )

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    [errors] = inline_errors(response)["custody_periods"]
    assert "start_date" in errors
    assert CustodyPeriod.objects.count() == 1


def test_two_new_overlapping_custody_periods_are_refused(client_for, caseworker_a, person_a):
    facility = factories.FacilityFactory()
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    for start in ("2019-04-01", "2020-01-01"):
        add_inline_row(data, "custody_periods", facility=facility.pk, start_date=start, transfer_reason="initial")

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    assert inline_errors(response)["custody_periods"]
    assert not CustodyPeriod.objects.exists()


def test_a_dna_result_before_sampling_is_a_field_error(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(
        data, "dna_tests", requested_on="2025-01-10", sampled_on="2025-02-01", result_received_on="2025-01-20"
    )

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    [errors] = inline_errors(response)["dna_tests"]
    assert "result_received_on" in errors
    assert not DnaTest.objects.exists()


def test_inline_rows_without_a_service_are_saved_with_an_audit_event(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(data, "dna_tests", requested_on="2025-01-10")

    response = client.post(_change(person_a), data)

    assert response.status_code == 302, inline_errors(response)
    dna_test = person_a.dna_tests.get()
    assert AuditEvent.objects.filter(action="admin.people.dnatest.saved", target_id=str(dna_test.public_id))


def test_aliases_and_claims_added_inline_go_through_their_services(client_for, sensitive_supervisor_a, person_a):
    client = client_for(sensitive_supervisor_a)
    data = changeform_data(client.get(_change(person_a)))
    add_inline_row(data, "aliases", kind="kunya", name="Umm Omar", script="latn", armed_group_link="on")
    add_inline_row(
        data, "nationality_claims", country="RU", basis="parent", is_primary="on", statelessness_risk="on", notes="n"
    )

    response = client.post(_change(person_a), data)

    assert response.status_code == 302, inline_errors(response)
    alias, claim = person_a.aliases.get(), person_a.nationality_claims.get()
    assert (alias.name, alias.armed_group_link) == ("Umm Omar", True)
    assert (claim.country, claim.is_primary, claim.statelessness_risk, claim.status) == ("RU", True, True, "claimed")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.alias.added", "people.nationality_claim.added", "people.person.updated"} <= actions


def test_a_save_over_someone_elses_newer_edit_is_refused(client_for, caseworker_a, supervisor_a, person_a):
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    data["place_of_birth"] = "Raqqa"
    person_a.place_of_birth = "Deir ez-Zor"  # someone else saves in the meantime
    person_a.save()

    response = client.post(_change(person_a), data)

    assert response.status_code == 200
    assert "Someone else changed this record" in str(response.context["adminform"].form.non_field_errors())
    person_a.refresh_from_db()
    assert person_a.place_of_birth == "Deir ez-Zor"


def test_the_person_autocomplete_returns_only_visible_persons(client_for, caseworker_a, person_a, person_b):
    url = reverse("admin:autocomplete")
    params = {"app_label": "people", "model_name": "familylink", "field_name": "relative", "term": ""}

    results = json.loads(client_for(caseworker_a).get(url, params).content)["results"]

    ids = {int(r["id"]) for r in results}
    assert person_a.pk in ids
    assert person_b.pk not in ids
    assert {r["text"] for r in results} == {person_a.case_number}


def test_the_person_autocomplete_of_an_assigned_only_user_lists_their_cases(client_for, fieldworker_a, person_a, org_a):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    url = reverse("admin:autocomplete")
    params = {"app_label": "people", "model_name": "custodyperiod", "field_name": "person", "term": ""}

    results = json.loads(client_for(fieldworker_a).get(url, params).content)["results"]

    assert [int(r["id"]) for r in results] == [mine.pk]


def test_the_person_autocomplete_searches_names_across_spellings(client_for, caseworker_a, person_a, org_a):
    factories.AliasFactory(person=person_a, name="Umm Yūsuf")
    url = reverse("admin:autocomplete")
    base = {"app_label": "people", "model_name": "familylink", "field_name": "relative"}
    client = client_for(caseworker_a)

    for term in ("umm yusuf", person_a.given_name_ar, person_a.case_number[:6], person_a.given_name_lat.upper()):
        results = json.loads(client.get(url, {**base, "term": term}).content)["results"]
        assert [int(r["id"]) for r in results] == [person_a.pk], term


def test_cross_organisation_choices_of_a_superuser_are_form_errors(client_for, superuser, org_a, org_b):
    """Superusers see every organisation's users and households: the form checks what person_register would refuse."""
    stranger = factories.UserFactory(organisation=org_b)
    household = factories.HouseholdFactory(organisation=org_b)
    client = client_for(superuser)

    response = client.post(
        ADD, _new_person_data(client, organisation=org_a.pk, assigned_to=stranger.pk, household=household.pk)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"assigned_to", "household"} <= set(errors)
    assert not Person.objects.exists()


def test_a_service_error_during_save_rolls_back_and_becomes_a_message(client_for, caseworker_a, person_a, org_a):
    """The inverse link already exists, so family_link_create refuses the pair: no 500, nothing half-saved."""
    child = factories.PersonFactory(organisation=org_a, assigned_to=person_a.assigned_to)
    factories.FamilyLinkFactory(person=child, relative=person_a, relation="mother")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))
    data["place_of_birth"] = "Hasakah"
    add_inline_row(data, "family_links", relative=child.pk, relation="child")

    response = client.post(_change(person_a), data, follow=True)

    assert response.status_code == 200
    assert any("Nothing was saved" in m for m in messages_of(response))
    person_a.refresh_from_db()
    assert person_a.place_of_birth != "Hasakah"
    assert FamilyLink.objects.count() == 1

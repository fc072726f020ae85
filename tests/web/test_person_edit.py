"""Editing a person: scope, capability, L3 fields, field errors, and the concurrent-edit conflict."""

from datetime import date

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.people import services
from casework.people.forms import EDIT_FIELDS, SENSITIVE_EDIT_FIELDS
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def edit_url(person) -> str:
    return reverse("people:person_update", args=[person.public_id])


def edit_data(person: Person, *, sensitive: bool = False, **changes) -> dict[str, str]:
    """The form as the browser sends it for `person` unchanged, then `changes`."""
    data: dict[str, str] = {}
    for name in EDIT_FIELDS + (SENSITIVE_EDIT_FIELDS if sensitive else []):
        value = getattr(person, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    data["version"] = person.updated_at.isoformat()
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def sensitive_person(person_a):
    person_a.health_notes = "Synthetic health notes."
    person_a.medical_urgent = True
    person_a.save()
    return person_a


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "orgadmin_a", "superuser"])
def test_roles_that_change_persons_open_the_form(request, client_for, role, person_a):
    response = client_for(request.getfixturevalue(role)).get(edit_url(person_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{person_a.given_name_lat}"' in html
    assert 'name="version"' in html
    assert 'name="status"' not in html and 'name="case_number"' not in html


@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_person_outside_the_scope_is_not_found(request, client_for, role, person_a):
    client = client_for(request.getfixturevalue(role))

    assert client.get(edit_url(person_a)).status_code == 404
    assert client.post(edit_url(person_a), edit_data(person_a, given_name_lat="Changed")).status_code == 404
    person_a.refresh_from_db()
    assert person_a.given_name_lat != "Changed"


def test_auditor_cannot_edit(client_for, auditor_a, person_a):
    client = client_for(auditor_a)

    assert client.get(edit_url(person_a)).status_code == 403
    assert client.post(edit_url(person_a), edit_data(person_a, given_name_lat="Changed")).status_code == 403
    person_a.refresh_from_db()
    assert person_a.given_name_lat != "Changed"


def test_caseworker_saves_changes(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).post(
        edit_url(person_a), edit_data(person_a, given_name_lat="Zahra", place_of_birth="Lyon", country_of_birth="FR")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person_a.public_id])
    person_a.refresh_from_db()
    assert (person_a.given_name_lat, person_a.place_of_birth, person_a.country_of_birth.code) == ("Zahra", "Lyon", "FR")
    assert "zahra" in person_a.name_search
    assert AuditEvent.objects.filter(action="people.person.updated", target_id=str(person_a.public_id)).exists()


def test_status_cannot_be_changed_through_the_form(client_for, caseworker_a, person_a):
    client_for(caseworker_a).post(edit_url(person_a), edit_data(person_a, status="closed", case_number="X-1"))

    person_a.refresh_from_db()
    assert person_a.status == "registered"
    assert person_a.case_number != "X-1"


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        (
            {
                "given_name_lat": "",
                "father_name_lat": "",
                "family_name_lat": "",
                "given_name_ar": "",
                "family_name_ar": "",
            },
            "given_name_lat",
        ),
        ({"birth_date": "not a date"}, "birth_date"),
        ({"date_of_death": "1980-01-01"}, "date_of_death"),
        (
            {"birth_date_precision": "range", "birth_date_earliest": "2012-01-01", "birth_date_latest": "2010-01-01"},
            "birth_date_latest",
        ),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(client_for, caseworker_a, person_a, changes, error_field):
    before = Person.objects.get(pk=person_a.pk)

    response = client_for(caseworker_a).post(edit_url(person_a), edit_data(person_a, **changes))

    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    after = Person.objects.get(pk=person_a.pk)
    assert after.updated_at == before.updated_at
    assert after.given_name_lat == before.given_name_lat


def test_sensitive_fields_are_not_in_the_form_without_the_permission_and_are_kept(
    client_for, caseworker_a, sensitive_person
):
    client = client_for(caseworker_a)

    html = client.get(edit_url(sensitive_person)).content.decode()
    response = client.post(
        edit_url(sensitive_person),
        edit_data(sensitive_person, given_name_lat="Zahra", health_notes="", medical_urgent=None),
    )

    assert "Synthetic health notes." not in html and 'name="health_notes"' not in html
    assert response.status_code == 302
    sensitive_person.refresh_from_db()
    assert sensitive_person.given_name_lat == "Zahra"
    assert sensitive_person.health_notes == "Synthetic health notes."
    assert sensitive_person.medical_urgent is True
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_permitted_user_edits_sensitive_fields_and_the_reading_is_logged(
    client_for, sensitive_supervisor_a, sensitive_person
):
    client = client_for(sensitive_supervisor_a)

    html = client.get(edit_url(sensitive_person)).content.decode()
    response = client.post(
        edit_url(sensitive_person),
        edit_data(sensitive_person, sensitive=True, health_notes="Updated notes.", medical_urgent=None),
    )

    assert "Synthetic health notes." in html
    assert AuditEvent.objects.filter(
        action=SENSITIVE_READ, target_id=str(sensitive_person.public_id), data__context="person_update"
    ).exists()
    assert response.status_code == 302
    sensitive_person.refresh_from_db()
    assert sensitive_person.health_notes == "Updated notes."
    assert sensitive_person.medical_urgent is False


def test_concurrent_edit_shows_the_conflict_keeps_the_input_and_overwrites_nothing(
    client_for, caseworker_a, supervisor_a, person_a
):
    opened = edit_data(person_a)
    theirs = Person.objects.get(pk=person_a.pk)
    theirs.place_of_birth = "Marseille"
    theirs.given_name_lat = "Hafsa"
    services.person_update(person=theirs, actor=supervisor_a, expected_updated_at=theirs.updated_at)

    response = client_for(caseworker_a).post(edit_url(person_a), {**opened, "family_name_lat": "Mine"})

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="edit-conflict"' in html
    conflicts = dict((str(label), value) for label, value in response.context["conflicts"])
    assert conflicts == {"place of birth": "Marseille", "given name (Latin)": "Hafsa"}
    # The user's input is kept, now based on the current version.
    form = response.context["form"]
    assert form["family_name_lat"].value() == "Mine"
    assert form["version"].value() == Person.objects.get(pk=person_a.pk).updated_at.isoformat()
    current = Person.objects.get(pk=person_a.pk)
    assert (current.given_name_lat, current.family_name_lat, current.place_of_birth) == (
        "Hafsa",
        theirs.family_name_lat,
        "Marseille",
    )

    # Saving again, deliberately, from the conflict page replaces their version.
    resubmitted = {key: value for key, value in form.data.items()}
    assert client_for(caseworker_a).post(edit_url(person_a), resubmitted).status_code == 302
    current.refresh_from_db()
    assert current.family_name_lat == "Mine"


def test_a_status_move_by_someone_else_is_a_conflict_too(client_for, caseworker_a, supervisor_a, person_a):
    opened = edit_data(person_a)
    services.person_transition(person=person_a, to="on_hold", actor=supervisor_a, note="Waiting for documents")

    response = client_for(caseworker_a).post(edit_url(person_a), {**opened, "place_of_birth": "Nice"})

    assert response.status_code == 409
    assert dict((str(label), value) for label, value in response.context["conflicts"]) == {"case status": "On hold"}
    assert Person.objects.get(pk=person_a.pk).place_of_birth == ""


def test_conflict_on_sensitive_fields_is_not_revealed_without_the_permission(
    client_for, caseworker_a, sensitive_supervisor_a, person_a
):
    opened = edit_data(person_a)
    theirs = Person.objects.get(pk=person_a.pk)
    theirs.health_notes = "Synthetic health notes."
    services.person_update(person=theirs, actor=sensitive_supervisor_a, expected_updated_at=theirs.updated_at)

    response = client_for(caseworker_a).post(edit_url(person_a), {**opened, "place_of_birth": "Nice"})

    assert response.status_code == 409
    assert response.context["conflicts"] == []
    assert "Synthetic health notes." not in response.content.decode()


def test_edit_link_is_shown_only_to_users_who_may_edit(client_for, caseworker_a, auditor_a, person_a):
    detail = reverse("people:person_detail", args=[person_a.public_id])

    assert edit_url(person_a) in client_for(caseworker_a).get(detail).content.decode()
    assert edit_url(person_a) not in client_for(auditor_a).get(detail).content.decode()


# 1 session, 2 user, 3-4 permissions, 5 person (with assigned caseworker); then the session save
# (UPDATE + 2 transaction statements) and the read log's INSERT.
EDIT_GET_QUERIES = 9


@pytest.mark.parametrize("aliases", [0, 10])
def test_edit_form_query_count(client_for, caseworker_a, person_a, django_assert_max_num_queries, aliases):
    for index in range(aliases):
        factories.AliasFactory(person=person_a, name=f"Alias {index}")
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(EDIT_GET_QUERIES):
        assert client.get(edit_url(person_a)).status_code == 200


def test_conflict_on_sensitive_fields_is_shown_to_permitted_users(client_for, sensitive_supervisor_a, person_a):
    opened = edit_data(person_a, sensitive=True)
    theirs = Person.objects.get(pk=person_a.pk)
    theirs.health_notes = "Synthetic health notes."
    services.person_update(person=theirs, actor=sensitive_supervisor_a, expected_updated_at=theirs.updated_at)

    response = client_for(sensitive_supervisor_a).post(edit_url(person_a), {**opened, "place_of_birth": "Nice"})

    assert response.status_code == 409
    assert [(str(label), value) for label, value in response.context["conflicts"]] == [
        ("health notes", "Synthetic health notes.")
    ]

"""Audit and access events are append-only: the models refuse changes, and PostgreSQL refuses them in SQL too."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from casework.core import audit
from casework.core.models import AccessEvent, AppendOnlyError, AuditEvent
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db


def _events(user):
    event = audit.record(actor=user, action="test.event", data={"n": 1})
    access = AccessEvent.objects.create(
        at=timezone.now(), user=user, person_id=1, kind=AccessEvent.Kind.LIST, request_id=uuid.uuid4()
    )
    return event, access


@pytest.mark.parametrize("model", [AuditEvent, AccessEvent])
def test_the_models_refuse_update_and_delete(caseworker_a, model):
    event = {AuditEvent: _events, AccessEvent: _events}[model](caseworker_a)[0 if model is AuditEvent else 1]

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=event.pk).update(person_id=2) if model is AccessEvent else model.objects.update(
            action="x"
        )
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    assert model.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'tampered'",
        "DELETE FROM core_auditevent",
        "UPDATE core_accessevent SET person_id = 99",
        "DELETE FROM core_accessevent",
    ],
)
def test_postgresql_refuses_update_and_delete_in_sql(caseworker_a, sql):
    _events(caseworker_a)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditEvent.objects.filter(action="test.event").exists()
    assert AccessEvent.objects.filter(person_id=1).exists()


@pytest.mark.postgres
def test_postgresql_still_accepts_inserts(caseworker_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (created_at, action, target_id, data) VALUES (now(), 'sql.insert', '', '{}')"
        )

    assert AuditEvent.objects.filter(action="sql.insert").exists()


def test_person_update_event_names_the_changed_fields_not_their_values(client_for, sensitive_supervisor_a, person_a):
    from casework.people import services

    person_a.health_notes = "SECRET-NEW-HEALTH"
    person_a.place_of_birth = "Raqqa"
    services.person_update(person=person_a, actor=sensitive_supervisor_a)

    event = AuditEvent.objects.get(action="people.person.updated")
    assert event.data == {"fields": ["health_notes", "place_of_birth"]}
    assert "SECRET" not in str(event.data)


def test_admin_saves_name_the_changed_fields(client_for, superuser, org_a):
    from casework.camps.models import Facility
    from tests import factories

    facility = factories.FacilityFactory()
    client = client_for(superuser)
    url = reverse("admin:camps_facility_change", args=[facility.pk])
    data = changeform_data(client.get(url))
    data["name"] = "Renamed camp"

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Facility.objects.get(pk=facility.pk).name == "Renamed camp"
    event = AuditEvent.objects.filter(action__endswith="facility.saved").latest("pk")
    assert event.data == {"fields": ["name"]}

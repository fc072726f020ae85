"""Record pages of a person: scope and rights per page, L3 pages, the edit page's version, query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_countries import countries

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from tests import factories
from tests.web.person_records.helpers import L3_KINDS, PEOPLE_KINDS, list_url, record_url, version

pytestmark = pytest.mark.django_db


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PEOPLE_KINDS)
@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a"])
def test_roles_of_the_organisation_open_the_record_pages(request, client_for, role, kind, person_a, records):
    response = client_for(request.getfixturevalue(role)).get(list_url(kind, person_a))

    assert response.status_code == 200
    # Read-only auditors get the list without any form.
    assert ('id="record-form"' in response.content.decode()) == (role != "auditor_a")


@pytest.mark.parametrize("kind", PEOPLE_KINDS)
@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_record_pages_of_a_person_outside_the_scope_are_not_found(request, client_for, role, kind, person_a):
    client = client_for(request.getfixturevalue(role))

    assert client.get(list_url(kind, person_a)).status_code == 404
    assert client.post(list_url(kind, person_a), {}).status_code == 404


@pytest.mark.parametrize("kind", ["claim", "document", "family"])
@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_edit_and_remove_outside_the_scope_are_not_found(request, client_for, role, kind, records):
    record = records[kind]
    client = client_for(request.getfixturevalue(role))

    assert client.get(record_url(kind, "update", record)).status_code == 404
    assert client.post(record_url(kind, "remove", record), {"version": version(record)}).status_code == 404
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", ["claim", "document", "family"])
def test_auditor_cannot_add_edit_or_remove(client_for, auditor_a, kind, records):
    record = records[kind]
    client = client_for(auditor_a)

    assert client.post(list_url(kind, record.person), {"name": "X"}).status_code == 403
    assert client.get(record_url(kind, "update", record)).status_code == 403
    assert client.post(record_url(kind, "remove", record), {"version": version(record)}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(("namespace", "kind"), L3_KINDS)
def test_l3_pages_are_not_found_without_the_sensitive_permission(client_for, supervisor_a, namespace, kind, records):
    record = records[kind]
    client = client_for(supervisor_a)

    assert client.get(list_url(kind, record.person, namespace)).status_code == 404
    assert client.get(record_url(kind, "update", record, namespace)).status_code == 404


@pytest.mark.parametrize(("namespace", "kind"), L3_KINDS)
def test_l3_pages_show_the_findings_to_permitted_users_and_record_the_reading(
    client_for, sensitive_supervisor_a, namespace, kind, records
):
    record = records[kind]
    client = client_for(sensitive_supervisor_a)

    response = client.get(list_url(kind, record.person, namespace))

    assert response.status_code == 200
    assert record.get_outcome_display() in response.content.decode()
    reads = AuditEvent.objects.filter(action=SENSITIVE_READ, target_id=str(record.public_id))
    assert reads.count() == 1
    assert reads.get().data["context"] == f"{kind}_list"

    client.get(record_url(kind, "update", record, namespace))
    assert reads.count() == 2


def test_l3_pages_of_another_organisation_are_not_found_even_with_the_permission(client_for, supervisor_b, records):
    assert client_for(supervisor_b).get(list_url("dna", records["dna"].person)).status_code == 404


def test_detail_page_links_to_the_record_pages_by_rights(client_for, caseworker_a, auditor_a, person_a):
    html = client_for(caseworker_a).get(person_a.get_absolute_url()).content.decode()
    assert list_url("alias", person_a) in html
    assert list_url("document", person_a) in html
    assert list_url("dna", person_a) not in html  # L3 page: not for this caseworker

    html = client_for(auditor_a).get(person_a.get_absolute_url()).content.decode()
    assert list_url("alias", person_a) not in html


# --- Query counts --------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["alias", "document", "family", "claim"])
def test_record_list_query_count_does_not_grow_with_rows(
    client_for, caseworker_a, person_a, kind, django_assert_max_num_queries
):
    codes = iter(code for code, _name in countries)

    def make(count: int) -> None:
        for index in range(count):
            if kind == "alias":
                factories.AliasFactory(person=person_a, name=f"Name {index} {count}")
            elif kind == "document":
                factories.IdentityDocumentFactory(person=person_a)
            elif kind == "claim":
                factories.NationalityClaimFactory(person=person_a, country=next(codes), is_primary=False)
            else:
                factories.FamilyLinkFactory(person=person_a, relation="sibling")

    client = client_for(caseworker_a)
    url = list_url(kind, person_a)
    make(5)
    few = _queries(client, url)
    make(50)
    # session, user, permissions, person, rows (+ visible relatives for family links): the same for 55 rows.
    with django_assert_max_num_queries(few):
        client.get(url)


@pytest.mark.parametrize("kind", ["claim", "document", "family"])
@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a"])
def test_caseworkers_open_the_edit_page_with_the_version(request, client_for, role, kind, records):
    record = records[kind]

    response = client_for(request.getfixturevalue(role)).get(record_url(kind, "update", record))

    assert response.status_code == 200
    assert f'value="{version(record)}"' in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [("auditor_a", 403), ("caseworker_b", 404), ("fieldworker_a", 404)])
def test_claim_transition_needs_the_capability_and_the_scope(request, client_for, role, expected, records):
    claim = records["claim"]
    url = reverse("people:claim_transition", args=[claim.person.public_id, claim.public_id])

    response = client_for(request.getfixturevalue(role)).post(url, {"to": "under_verification"})

    assert response.status_code == expected
    claim.refresh_from_db()
    assert claim.status == "claimed"


def test_custody_list_query_count_does_not_grow_with_rows(
    client_for, caseworker_a, person_a, django_assert_max_num_queries
):
    facility = factories.FacilityFactory()
    start = date(2000, 1, 1)

    def make(count: int) -> None:
        nonlocal start
        for _index in range(count):
            end = start + timedelta(days=10)
            factories.CustodyPeriodFactory(person=person_a, facility=facility, start_date=start, end_date=end)
            start = end

    client = client_for(caseworker_a)
    url = list_url("custody", person_a)
    make(5)
    few = _queries(client, url)
    make(50)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_l3_list_grows_only_by_the_audit_event_of_each_row_read(client_for, sensitive_supervisor_a, person_a):
    client = client_for(sensitive_supervisor_a)
    url = list_url("dna", person_a)
    for _index in range(5):
        factories.DnaTestFactory(person=person_a)
    client.get(url)  # warms the per-process caches (content types) that only the first reading fills
    few = _queries(client, url)
    for _index in range(50):
        factories.DnaTestFactory(person=person_a)

    # Every reading of L3 fields is one audit event per record (core.sensitivity); nothing else grows.
    assert _queries(client, url) == few + 50

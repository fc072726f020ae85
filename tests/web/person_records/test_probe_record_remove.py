"""Every kind of record can be removed from its page (the probe found that removing a nationality claim
answered 500: the page called the plain remove service with the claim's keyword, `claim=`)."""

import pytest

from tests.web.person_records.helpers import record_url, version

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["claim", "document", "family"])
def test_a_caseworker_removes_a_record_from_its_page(client_for, caseworker_a, records, kind):
    record = records[kind]

    response = client_for(caseworker_a).post(record_url(kind, "remove", record), {"version": version(record)})

    assert response.status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(("namespace", "kind"), [("people", "dna"), ("screenings", "screening")])
def test_a_permitted_supervisor_removes_an_l3_record_from_its_page(
    client_for, sensitive_supervisor_a, records, namespace, kind
):
    record = records[kind]
    url = record_url(kind, "remove", record, namespace=namespace)

    response = client_for(sensitive_supervisor_a).post(url, {"version": version(record)})

    assert response.status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()

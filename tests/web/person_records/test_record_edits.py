"""Adding, editing and removing a person's records: conflicts, nationality claims, bad document dates."""

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people.models import IdentityDocument, NationalityClaim
from tests import factories
from tests.web.person_records.helpers import DOCUMENT_DATES, list_url, record_url, version

pytestmark = pytest.mark.django_db


# --- Adding, editing, removing -------------------------------------------------------------------


def test_concurrent_change_blocks_a_removal(client_for, caseworker_a, records):
    document = records["document"]
    opened_version = version(document)
    document.number = "NEW123"
    document.save()

    response = client_for(caseworker_a).post(record_url("document", "remove", document), {"version": opened_version})

    assert response.status_code == 302
    assert IdentityDocument.objects.filter(pk=document.pk).exists()


def test_editing_a_record_removed_meanwhile_says_so(client_for, caseworker_a, records):
    document = records["document"]
    url = record_url("document", "update", document)
    data = {"document_type": "passport", "number": "CHANGED", "version": version(document)}
    document.delete()

    response = client_for(caseworker_a).post(url, data, follow=True)

    assert "removed this record" in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_concurrent_document_edit_shows_what_changed_and_overwrites_nothing(client_for, caseworker_a, records):
    document = records["document"]
    opened_version = version(document)
    # Someone else corrects the number after the form was opened.
    document.number = "THEIRS01"
    document.save()

    response = client_for(caseworker_a).post(
        record_url("document", "update", document),
        {
            **DOCUMENT_DATES,
            "document_type": "passport",
            "number": "MINE0001",
            "issuing_country": "FR",
            "version": opened_version,
        },
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="edit-conflict"' in html
    assert "THEIRS01" in html  # their value, shown as the current one
    assert 'value="MINE0001"' in html  # the user's input is kept
    document.refresh_from_db()
    assert document.number == "THEIRS01"
    assert not AuditEvent.objects.filter(action="people.identitydocument.updated").exists()

    # Saving again, now on the current version, deliberately replaces their change.
    response = client_for(caseworker_a).post(
        record_url("document", "update", document),
        {
            **DOCUMENT_DATES,
            "document_type": "passport",
            "number": "MINE0001",
            "issuing_country": "FR",
            "version": version(document),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.number == "MINE0001"
    assert AuditEvent.objects.get(action="people.identitydocument.updated").data["fields"] == ["number"]


def test_nationality_claim_is_added_edited_and_moved_through_its_transitions(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    client.post(list_url("claim", person_a), {"country": "DE", "basis": "parent", "is_primary": "on"})
    claim = NationalityClaim.objects.get(person=person_a)
    assert claim.is_primary and claim.status == "claimed"

    response = client.post(
        record_url("claim", "update", claim),
        {
            "basis": "documents",
            "is_primary": "on",
            "notes": "Copy of the father's passport.",
            "version": version(claim),
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.basis == "documents"

    transition = reverse("people:claim_transition", args=[person_a.public_id, claim.public_id])
    client.post(transition, {"to": "under_verification", "note": ""})
    claim.refresh_from_db()
    assert claim.status == "under_verification"
    client.post(transition, {"to": "deprived", "note": ""})  # not a legal move from here
    claim.refresh_from_db()
    assert claim.status == "under_verification"


def test_main_nationality_is_ticked_by_default_only_for_a_first_claim(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    assert 'id="id_is_primary" checked' in client.get(list_url("claim", person_a)).content.decode()

    factories.NationalityClaimFactory(person=person_a)
    assert 'id="id_is_primary" checked' not in client.get(list_url("claim", person_a)).content.decode()


def test_document_with_expiry_before_issue_is_a_field_error_and_nothing_is_saved(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).post(
        list_url("document", person_a),
        {"document_type": "passport", "number": "P1", "issued_on": "2020-01-01", "expires_on": "2019-01-01"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_expires_on"' in html
    assert not IdentityDocument.objects.exists()

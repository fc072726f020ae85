"""Editing the records attached to a person: scope and rights per page, bad input, conflicts, files, L3 pages."""

import io
import os
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_countries import countries
from PIL import Image

from casework.core.models import AuditEvent
from casework.people.models import CustodyPeriod, DnaTest, FamilyLink, IdentityDocument, NationalityClaim
from casework.screenings.models import Screening
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE_KINDS = ["claim", "document", "family", "custody"]
L3_KINDS = [("people", "dna"), ("screenings", "screening")]


def list_url(kind: str, person, namespace: str = "people") -> str:
    return reverse(f"{namespace}:{kind}_list", args=[person.public_id])


def record_url(kind: str, view: str, record, namespace: str = "people") -> str:
    return reverse(f"{namespace}:{kind}_{view}", args=[record.person.public_id, record.public_id])


DOCUMENT_DATES = {"issued_on": "2014-01-01", "expires_on": "2024-01-01"}  # as IdentityDocumentFactory


def version(record) -> str:
    return record.updated_at.isoformat()


@pytest.fixture
def records(person_a):
    """One record of every kind on person_a."""
    return {
        "alias": factories.AliasFactory(person=person_a),
        "claim": factories.NationalityClaimFactory(person=person_a),
        "document": factories.IdentityDocumentFactory(person=person_a),
        "family": factories.FamilyLinkFactory(person=person_a),
        "dna": factories.DnaTestFactory(person=person_a),
        "screening": factories.ScreeningFactory(person=person_a),
    }


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
    reads = AuditEvent.objects.filter(action="sensitive.read", target_id=str(record.public_id))
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


def test_document_copy_is_uploaded_and_served_only_in_scope(
    client_for, caseworker_a, caseworker_b, fieldworker_a, person_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(caseworker_a)
    scan = SimpleUploadedFile("passport of Fatima.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf")
    response = client.post(list_url("document", person_a), {"document_type": "passport", "number": "P7", "file": scan})
    assert response.status_code == 302
    document = IdentityDocument.objects.get(person=person_a)
    assert document.file.name == f"documents/{document.public_id}.pdf"  # no name in the file name
    url = reverse("people:document_file", args=[person_a.public_id, document.public_id])
    assert url in client.get(list_url("document", person_a)).content.decode()
    assert settings.MEDIA_URL not in client.get(list_url("document", person_a)).content.decode()

    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 synthetic"
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="people.identitydocument.file_downloaded").count() == 1

    assert client_for(caseworker_b).get(url).status_code == 404
    assert client_for(fieldworker_a).get(url).status_code == 404


@pytest.fixture
def document_with_copy(person_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("scan.pdf", ContentFile(b"%PDF-1.4 old"))
    return document


def test_document_copy_missing_from_storage_is_not_found(client_for, caseworker_a, document_with_copy):
    document_with_copy.file.storage.delete(document_with_copy.file.name)  # e.g. a restore without the media
    url = reverse("people:document_file", args=[document_with_copy.person.public_id, document_with_copy.public_id])

    response = client_for(caseworker_a).get(url)

    assert response.status_code == 404


def test_document_copy_is_served_privately(client_for, caseworker_a, document_with_copy):
    url = reverse("people:document_file", args=[document_with_copy.person.public_id, document_with_copy.public_id])

    response = client_for(caseworker_a).get(url)

    assert b"".join(response.streaming_content) == b"%PDF-1.4 old"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def _document_edit_data(document, **changes):
    return {
        "document_type": document.document_type,
        "number": document.number,
        **DOCUMENT_DATES,
        "version": version(document),
        **changes,
    }


def test_document_edit_page_links_the_copy_to_the_scoped_download_and_not_to_the_storage_path(
    client_for, caseworker_a, document_with_copy, settings
):
    html = client_for(caseworker_a).get(record_url("document", "update", document_with_copy)).content.decode()

    assert (
        reverse("people:document_file", args=[document_with_copy.person.public_id, document_with_copy.public_id])
        in html
    )
    assert document_with_copy.file.name not in html
    assert settings.MEDIA_URL not in html
    assert "file-clear" not in html  # no ClearableFileInput checkbox
    assert 'name="remove_file"' in html


def test_document_edit_page_without_a_copy_offers_no_removal(client_for, caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)

    html = client_for(caseworker_a).get(record_url("document", "update", document)).content.decode()

    assert 'name="file"' in html
    assert 'name="remove_file"' not in html


def test_replacing_a_document_copy_deletes_the_old_file(
    client_for, caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name
    scan = SimpleUploadedFile("new.pdf", b"%PDF-1.4 new", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(caseworker_a).post(
            record_url("document", "update", document_with_copy), _document_edit_data(document_with_copy, file=scan)
        )

    assert response.status_code == 302
    document_with_copy.refresh_from_db()
    assert document_with_copy.file.name != old_name
    assert document_with_copy.file.read() == b"%PDF-1.4 new"
    assert not default_storage.exists(old_name)


def test_removing_a_document_copy_deletes_the_file(
    client_for, caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(caseworker_a).post(
            record_url("document", "update", document_with_copy),
            _document_edit_data(document_with_copy, remove_file="on"),
        )

    assert response.status_code == 302
    document_with_copy.refresh_from_db()
    assert not document_with_copy.file
    assert not default_storage.exists(old_name)


def test_saving_a_document_without_a_new_copy_keeps_the_file(
    client_for, caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(caseworker_a).post(
            record_url("document", "update", document_with_copy), _document_edit_data(document_with_copy, notes="x")
        )

    assert response.status_code == 302
    document_with_copy.refresh_from_db()
    assert document_with_copy.file.name == old_name
    assert default_storage.exists(old_name)


def test_removing_a_document_deletes_its_copy(
    client_for, caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(caseworker_a).post(
            record_url("document", "remove", document_with_copy), {"version": version(document_with_copy)}
        )

    assert response.status_code == 302
    assert not IdentityDocument.objects.exists()
    assert not default_storage.exists(old_name)


def test_document_copy_with_a_forbidden_extension_is_refused(client_for, caseworker_a, person_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("script.html", b"<script></script>", content_type="text/html")

    response = client_for(caseworker_a).post(
        list_url("document", person_a), {"document_type": "passport", "file": upload}
    )

    assert response.status_code == 200
    assert 'href="#id_file"' in response.content.decode()
    assert not IdentityDocument.objects.exists()


# --- Family links --------------------------------------------------------------------------------


@pytest.fixture
def relative_a(org_a, caseworker_a):
    return factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, sex="female", given_name_lat="Amina")


def test_family_search_offers_only_persons_in_scope(client_for, caseworker_a, person_a, relative_a, org_b):
    outsider = factories.PersonFactory(organisation=org_b, given_name_lat="Amina")

    response = client_for(caseworker_a).post(list_url("family", person_a), {"q": "Amina", "action": "search"})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(relative_a.public_id) in html
    assert str(outsider.public_id) not in html
    assert not FamilyLink.objects.exists()  # a search saves nothing


def test_family_search_in_the_url_is_ignored(client_for, caseworker_a, person_a, relative_a):
    response = client_for(caseworker_a).get(list_url("family", person_a), {"q": "Amina"})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(relative_a.public_id) not in html
    assert 'value="Amina"' not in html


def test_family_search_form_posts_the_search(client_for, caseworker_a, person_a):
    html = client_for(caseworker_a).get(list_url("family", person_a)).content.decode()

    form = html[html.index('<form method="post" action="" enctype="multipart/form-data" id="record-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="q"' in form
    assert 'name="action" value="search"' in form


@pytest.fixture
def link_to_a_relative_outside_the_caseload(caseworker_a, fieldworker_a, org_a):
    """A case of the assigned-only fieldworker, linked to a relative assigned to caseworker_a."""
    person = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, sex="male")
    relative = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, sex="female")
    link = factories.FamilyLinkFactory(person=person, relative=relative, relation="mother")
    inverse = factories.FamilyLinkFactory(person=relative, relative=person, relation="child")
    return link, inverse


def test_assigned_only_caseworker_cannot_remove_a_family_link_to_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, inverse = link_to_a_relative_outside_the_caseload

    response = client_for(fieldworker_a).post(record_url("family", "remove", link), {"version": version(link)})

    assert response.status_code == 404
    assert FamilyLink.objects.filter(pk__in=[link.pk, inverse.pk]).count() == 2


def test_assigned_only_caseworker_cannot_edit_a_family_link_to_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, inverse = link_to_a_relative_outside_the_caseload
    client = client_for(fieldworker_a)

    assert client.get(record_url("family", "update", link)).status_code == 404
    response = client.post(
        record_url("family", "update", link),
        {"relation": "guardian", "is_verified": "on", "notes": "x", "version": version(link)},
    )

    assert response.status_code == 404
    inverse.refresh_from_db()
    assert (inverse.relation, inverse.is_verified, inverse.notes) == ("child", False, "")


def test_family_list_offers_no_edit_or_remove_for_a_relative_outside_the_caseload(
    client_for, fieldworker_a, link_to_a_relative_outside_the_caseload
):
    link, _inverse = link_to_a_relative_outside_the_caseload
    own_relative = factories.PersonFactory(organisation=link.person.organisation, assigned_to=fieldworker_a)
    visible_link = factories.FamilyLinkFactory(person=link.person, relative=own_relative, relation="sibling")

    html = client_for(fieldworker_a).get(list_url("family", link.person)).content.decode()

    assert record_url("family", "update", link) not in html
    assert record_url("family", "remove", link) not in html
    assert record_url("family", "update", visible_link) in html
    assert record_url("family", "remove", visible_link) in html


def test_family_link_is_created_with_its_inverse_and_removed_with_it(client_for, caseworker_a, person_a, relative_a):
    client = client_for(caseworker_a)

    response = client.post(
        list_url("family", person_a), {"relation": "mother", "relative": str(relative_a.public_id), "notes": ""}
    )

    assert response.status_code == 302
    link = FamilyLink.objects.get(person=person_a)
    assert link.relative == relative_a and link.relation == "mother"
    inverse = FamilyLink.objects.get(person=relative_a)
    assert inverse.relative == person_a and inverse.relation == "child"

    client.post(
        record_url("family", "update", link),
        {"relation": "mother", "is_verified": "on", "notes": "", "version": version(link)},
    )
    inverse.refresh_from_db()
    assert inverse.is_verified  # edits are mirrored on the inverse link

    link.refresh_from_db()
    client.post(record_url("family", "remove", link), {"version": version(link)})
    assert not FamilyLink.objects.filter(person__in=[person_a, relative_a]).exists()


@pytest.mark.parametrize("target", ["self", "other_organisation", "garbage"])
def test_family_link_to_oneself_or_outside_the_scope_is_a_field_error(
    client_for, caseworker_a, person_a, person_b, target
):
    relative = {"self": str(person_a.public_id), "other_organisation": str(person_b.public_id), "garbage": "x"}[target]

    response = client_for(caseworker_a).post(
        list_url("family", person_a), {"relation": "sibling", "relative": relative}
    )

    assert response.status_code == 200
    assert 'href="#id_relative"' in response.content.decode()
    assert not FamilyLink.objects.exists()


# --- Custody -------------------------------------------------------------------------------------


def test_custody_move_closes_the_current_period(client_for, caseworker_a, person_a):
    first = factories.CustodyPeriodFactory(person=person_a, start_date=date(2020, 1, 1))
    facility = factories.FacilityFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a),
        {"facility": facility.pk, "start_date": "2023-05-01", "reason": "transfer", "notes": ""},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.end_date == date(2023, 5, 1)
    assert CustodyPeriod.objects.get(person=person_a, end_date__isnull=True).facility == facility


def test_custody_move_dated_before_the_current_period_is_an_error(client_for, caseworker_a, person_a):
    factories.CustodyPeriodFactory(person=person_a, start_date=date(2022, 1, 1))
    facility = factories.FacilityFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a), {"facility": facility.pk, "start_date": "2021-05-01", "reason": "transfer"}
    )

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert CustodyPeriod.objects.filter(person=person_a).count() == 1


def test_exact_location_is_offered_and_shown_only_with_the_sensitive_permission(
    client_for, caseworker_a, sensitive_supervisor_a, person_a
):
    period = factories.CustodyPeriodFactory(person=person_a)

    html = client_for(caseworker_a).get(list_url("custody", person_a)).content.decode()
    assert period.exact_location not in html and 'name="exact_location"' not in html

    html = client_for(sensitive_supervisor_a).get(list_url("custody", person_a)).content.decode()
    assert period.exact_location in html and 'name="exact_location"' in html
    assert AuditEvent.objects.filter(action="sensitive.read", target_id=str(period.public_id)).exists()


def test_screening_is_added_by_a_permitted_user(client_for, sensitive_supervisor_a, person_a):
    response = client_for(sensitive_supervisor_a).post(
        list_url("screening", person_a, "screenings"),
        {"screened_on": "2024-02-01", "outcome": "cleared", "findings": "Synthetic.", "location": "Hasakah"},
    )

    assert response.status_code == 302
    screening = Screening.objects.get(person=person_a)
    assert screening.recorded_by == sensitive_supervisor_a
    assert AuditEvent.objects.filter(action="screenings.screening.added").exists()


def test_dna_test_dates_out_of_order_are_a_field_error(client_for, sensitive_supervisor_a, person_a):
    response = client_for(sensitive_supervisor_a).post(
        list_url("dna", person_a), {"requested_on": "2025-02-01", "sampled_on": "2025-01-01", "outcome": "pending"}
    )

    assert response.status_code == 200
    assert 'href="#id_sampled_on"' in response.content.decode()
    assert not DnaTest.objects.exists()


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


# --- Photo ---------------------------------------------------------------------------------------


def _image(image_format: str = "PNG", size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    buffer = io.BytesIO()
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, "white")
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def _edit_data(person, **changes):
    from tests.web.test_person_edit import edit_data

    return edit_data(person, **changes)


def test_photo_is_uploaded_and_served_only_in_scope(
    client_for, caseworker_a, caseworker_b, fieldworker_a, person_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(caseworker_a)
    photo = SimpleUploadedFile("Fatima.png", _image(), content_type="image/png")

    response = client.post(
        reverse("people:person_update", args=[person_a.public_id]), {**_edit_data(person_a), "new_photo": photo}
    )

    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.photo.name == f"photos/{person_a.public_id}.png"
    photo_url = reverse("people:person_photo", args=[person_a.public_id])
    assert photo_url in client.get(person_a.get_absolute_url()).content.decode()
    served = client.get(photo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert client_for(caseworker_b).get(photo_url).status_code == 404
    assert client_for(fieldworker_a).get(photo_url).status_code == 404


def test_replacing_the_photo_deletes_the_old_photo(
    client_for, caseworker_a, person_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(caseworker_a)
    url = reverse("people:person_update", args=[person_a.public_id])
    first = SimpleUploadedFile("a.png", _image(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**_edit_data(person_a), "new_photo": first}).status_code == 302
    person_a.refresh_from_db()
    old_name = person_a.photo.name
    second = SimpleUploadedFile("b.jpg", _image("JPEG"), content_type="image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**_edit_data(person_a), "new_photo": second})

    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.photo.name == f"photos/{person_a.public_id}.jpg"
    assert default_storage.exists(person_a.photo.name)
    assert not default_storage.exists(old_name)


def test_person_without_photo_shows_a_placeholder(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    html = client.get(person_a.get_absolute_url()).content.decode()

    assert "No photo" in html
    assert client.get(reverse("people:person_photo", args=[person_a.public_id])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.png", b"not an image"), ("photo.gif", None)],
)
def test_photo_that_is_not_a_jpeg_or_png_is_refused(
    client_for, caseworker_a, person_a, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    if content is None:
        content = _image("GIF")
    photo = SimpleUploadedFile(name, content)

    response = client_for(caseworker_a).post(
        reverse("people:person_update", args=[person_a.public_id]),
        {**_edit_data(person_a, given_name_lat="Changed"), "new_photo": photo},
    )

    assert response.status_code == 200
    assert 'href="#id_new_photo"' in response.content.decode()
    person_a.refresh_from_db()
    assert not person_a.photo and person_a.given_name_lat != "Changed"


def test_photo_larger_than_5_mb_is_refused(client_for, caseworker_a, person_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = _image("PNG", size=(1400, 1400), noise=True)
    assert len(content) > 5 * 1024 * 1024

    response = client_for(caseworker_a).post(
        reverse("people:person_update", args=[person_a.public_id]),
        {**_edit_data(person_a), "new_photo": SimpleUploadedFile("big.png", content)},
    )

    assert "larger than 5 MB" in response.content.decode()
    person_a.refresh_from_db()
    assert not person_a.photo


# --- Family links at intake ----------------------------------------------------------------------


def test_intake_creates_family_links_to_existing_persons_with_their_inverse(client_for, caseworker_a, relative_a):
    from tests.web.test_person_intake import intake_data

    client = client_for(caseworker_a)
    search = client.post(
        reverse("people:person_create"), {**intake_data(), "family_q": "Amina", "action": "family_search"}
    )
    assert str(relative_a.public_id) in search.content.decode()

    response = client.post(
        reverse("people:person_create"),
        intake_data(
            family=[{"relation": "mother", "relative": str(relative_a.public_id)}], assigned_to=str(caseworker_a.pk)
        ),
    )

    assert response.status_code == 302
    link = FamilyLink.objects.get(relative=relative_a)
    assert link.relation == "mother"
    assert FamilyLink.objects.get(person=relative_a).relative == link.person


def test_intake_family_link_outside_the_scope_is_an_error_and_nothing_is_registered(client_for, caseworker_a, person_b):
    from casework.people.models import Person
    from tests.web.test_person_intake import intake_data

    before = Person.objects.count()
    response = client_for(caseworker_a).post(
        reverse("people:person_create"),
        intake_data(family=[{"relation": "mother", "relative": str(person_b.public_id)}]),
    )

    assert response.status_code == 200
    assert 'href="#id_family-0-relative"' in response.content.decode()
    assert Person.objects.count() == before
    assert not FamilyLink.objects.exists()


def test_custody_move_to_a_section_of_another_facility_is_a_field_error(client_for, caseworker_a, person_a):
    facility = factories.FacilityFactory()
    other_section = factories.FacilitySectionFactory()

    response = client_for(caseworker_a).post(
        list_url("custody", person_a),
        {
            "facility": facility.pk,
            "section": other_section.pk,
            "start_date": str(date.today() - timedelta(days=1)),
            "reason": "transfer",
        },
    )

    assert 'href="#id_section"' in response.content.decode()
    assert not CustodyPeriod.objects.filter(person=person_a).exists()


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

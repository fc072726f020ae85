"""Scans of identity documents: uploaded and served only in scope, replaced and removed with their files."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people.models import IdentityDocument
from tests import factories
from tests.web.person_records.helpers import DOCUMENT_DATES, list_url, record_url, version

pytestmark = pytest.mark.django_db


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

"""Identity documents in the admin go through the record services: old copies are deleted on commit, never linked by path."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people.models import IdentityDocument
from tests import factories

from .utils import changeform_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(person_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("scan.pdf", ContentFile(b"%PDF-1.4 old"))
    return document


def _change(document):
    return reverse("admin:people_identitydocument_change", args=[document.pk])


def _person_change(person):
    return reverse("admin:people_person_change", args=[person.pk])


def _inline_prefix(response):
    return next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is IdentityDocument
    )


def test_replacing_the_copy_in_the_document_admin_deletes_the_old_file_on_commit(
    client_for, caseworker_a, document, django_capture_on_commit_callbacks
):
    client = client_for(caseworker_a)
    old = document.file.name
    data = changeform_data(client.get(_change(document)))
    data["file"] = SimpleUploadedFile("Amina Dupont passport.pdf", b"%PDF-1.4 new")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change(document), data)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name != old
    assert "Amina" not in document.file.name
    assert document.file.storage.exists(document.file.name)
    assert not document.file.storage.exists(old)
    assert AuditEvent.objects.filter(action="people.identitydocument.updated", actor=caseworker_a).exists()


def test_clearing_the_copy_in_the_document_admin_deletes_the_file_on_commit(
    client_for, caseworker_a, document, django_capture_on_commit_callbacks
):
    client = client_for(caseworker_a)
    old = document.file.name
    data = changeform_data(client.get(_change(document)))
    data["file-clear"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change(document), data)

    assert response.status_code == 302
    document.refresh_from_db()
    assert not document.file
    assert not document.file.storage.exists(old)


def test_deleting_a_document_in_the_admin_deletes_its_copy_on_commit(
    client_for, supervisor_a, document, django_capture_on_commit_callbacks
):
    storage, old = document.file.storage, document.file.name
    url = reverse("admin:people_identitydocument_delete", args=[document.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor_a).post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not IdentityDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(old)
    assert AuditEvent.objects.filter(action="people.identitydocument.removed", actor=supervisor_a).exists()


def test_deleting_documents_with_the_changelist_action_deletes_their_copies(
    client_for, supervisor_a, document, django_capture_on_commit_callbacks
):
    storage, old = document.file.storage, document.file.name
    url = reverse("admin:people_identitydocument_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor_a).post(
            url, {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"}
        )

    assert response.status_code == 302
    assert not IdentityDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(old)


def test_replacing_the_copy_in_the_person_inline_deletes_the_old_file_on_commit(
    client_for, caseworker_a, document, django_capture_on_commit_callbacks
):
    client = client_for(caseworker_a)
    old = document.file.name
    page = client.get(_person_change(document.person))
    prefix = _inline_prefix(page)
    data = changeform_data(page)
    data[f"{prefix}-0-file"] = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 new")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_person_change(document.person), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    document.refresh_from_db()
    assert document.file.name != old
    assert document.file.storage.exists(document.file.name)
    assert not document.file.storage.exists(old)
    assert AuditEvent.objects.filter(action="people.identitydocument.updated", actor=caseworker_a).exists()


def test_deleting_a_document_row_of_the_person_inline_deletes_its_copy_on_commit(
    client_for, supervisor_a, document, django_capture_on_commit_callbacks
):
    client = client_for(supervisor_a)
    storage, old = document.file.storage, document.file.name
    page = client.get(_person_change(document.person))
    prefix = _inline_prefix(page)
    data = changeform_data(page)
    data[f"{prefix}-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_person_change(document.person), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert not IdentityDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(old)
    assert AuditEvent.objects.filter(action="people.identitydocument.removed", actor=supervisor_a).exists()


def test_a_document_added_in_the_person_inline_goes_through_the_service(
    client_for, caseworker_a, person_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(caseworker_a)
    page = client.get(_person_change(person_a))
    prefix = _inline_prefix(page)
    data = changeform_data(page)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-document_type": "passport",
            f"{prefix}-0-number": "X123",
            f"{prefix}-0-issuing_country": "FR",
        }
    )

    response = client.post(_person_change(person_a), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert person_a.documents.get().number == "X123"
    assert AuditEvent.objects.filter(action="people.identitydocument.added", actor=caseworker_a).exists()


def test_an_invalid_admin_form_saves_nothing_and_keeps_the_old_copy(
    client_for, caseworker_a, document, django_capture_on_commit_callbacks
):
    # A form error stops before the service; the rollback after the service ran is covered by
    # tests/people/test_record_services.py::test_a_rolled_back_replacement_or_removal_deletes_no_file.
    client = client_for(caseworker_a)
    old = document.file.name
    data = changeform_data(client.get(_change(document)))
    data["file"] = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 new")
    data["expires_on"] = "2000-01-01"  # before the issue date: refused

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change(document), data)

    assert response.status_code == 200
    document.refresh_from_db()
    assert document.file.name == old
    assert document.file.storage.exists(old)


def test_the_document_pages_link_the_copy_through_the_scoped_download_view(client_for, caseworker_a, document):
    client = client_for(caseworker_a)
    download = reverse("people:document_file", args=[document.person.public_id, document.public_id])

    for url in (_change(document), _person_change(document.person)):
        html = client.get(url).content.decode()

        assert f'href="{download}"' in html, url
        assert "media-not-served" not in html, url
        assert document.file.name not in html, url


def test_a_read_only_user_sees_no_storage_path_of_the_copy(client_for, auditor_a, document):
    download = reverse("people:document_file", args=[document.person.public_id, document.public_id])

    html = client_for(auditor_a).get(_change(document)).content.decode()

    assert f'href="{download}"' in html
    assert "media-not-served" not in html
    assert document.file.name not in html


def test_a_read_only_user_of_the_person_page_sees_no_storage_path_of_the_copy(client_for, auditor_a, document):
    download = reverse("people:document_file", args=[document.person.public_id, document.public_id])

    html = client_for(auditor_a).get(_person_change(document.person)).content.decode()

    assert f'href="{download}"' in html
    assert "media-not-served" not in html
    assert document.file.name not in html

"""Hole 4: uploads are checked by their content, photos re-encoded (no EXIF, no trailing bytes), folders private."""

import os
import stat
from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from casework.govrequests.models import RequestEvent
from casework.people.models import IdentityDocument
from tests import factories
from tests.admin.utils import changeform_data
from tests.web.test_person_edit import edit_data

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _image(fmt: str = "PNG", *, gps: bool = False) -> bytes:
    image = Image.new("RGB", (4, 4), "red")
    out = BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (36.0, 30.0, 0.0)}
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("name", ["passport.pdf", "passport.png", "passport.tif", "passport.jpg"])
def test_html_named_as_a_scan_is_refused_with_a_field_error_on_the_person_record_page(
    client_for, caseworker_a, person_a, name
):
    url = reverse("people:document_list", args=[person_a.public_id])
    upload = SimpleUploadedFile(name, HTML, content_type="application/pdf")

    response = client_for(caseworker_a).post(url, {"document_type": "passport", "number": "P7", "file": upload})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert "not a PDF" in str(response.context["form"].errors["file"])
    assert not IdentityDocument.objects.filter(person=person_a).exists()


def test_html_named_as_a_scan_is_refused_on_a_request_event(client_for, caseworker_a, org_a, person_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    url = reverse("govrequests:request_record_event", args=[gov_request.public_id])
    data = {
        "event-kind": "answer",
        "event-occurred_on": date.today().isoformat(),
        "event-document": SimpleUploadedFile("answer.tif", HTML, content_type="image/tiff"),
    }

    response = client_for(caseworker_a).post(url, data)

    assert response.status_code < 500
    assert not RequestEvent.objects.filter(request=gov_request).exclude(document="").exists()


def _admin_refuses_html(client, url: str, field: str, name: str) -> None:
    """The admin change form at `url`, posted back with an HTML file named `name` in `field`, is refused on that field."""
    data = changeform_data(client.get(url))
    data[field] = SimpleUploadedFile(name, HTML)

    response = client.post(url, data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_html_named_as_a_scan_is_refused_in_the_admin(client_for, caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)
    url = reverse("admin:people_identitydocument_change", args=[document.pk])

    _admin_refuses_html(client_for(caseworker_a), url, "file", "scan.png")

    document.refresh_from_db()
    assert not document.file


def test_a_scan_is_stored_under_the_type_its_content_has(client_for, caseworker_a, person_a):
    url = reverse("people:document_list", args=[person_a.public_id])
    upload = SimpleUploadedFile("passport.pdf", _image("PNG"), content_type="application/pdf")

    response = client_for(caseworker_a).post(url, {"document_type": "passport", "number": "P7", "file": upload})

    assert response.status_code == 302
    document = IdentityDocument.objects.get(person=person_a)
    assert document.file.name == f"documents/{document.public_id}.png"


def _upload_photo(client, person, content: bytes, name: str = "photo.png"):
    url = reverse("people:person_update", args=[person.public_id])
    return client.post(url, {**edit_data(person), "new_photo": SimpleUploadedFile(name, content)})


def test_png_with_trailing_html_is_re_encoded_without_it(client_for, caseworker_a, person_a):
    response = _upload_photo(client_for(caseworker_a), person_a, _image("PNG") + HTML)

    assert response.status_code == 302
    person_a.refresh_from_db()
    stored = person_a.photo.read()
    assert b"<script" not in stored and b"<html" not in stored
    assert Image.open(BytesIO(stored)).format == "PNG"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_photo_gps_exif_is_stripped(client_for, caseworker_a, person_a, fmt):
    original = _image(fmt, gps=True)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture carries GPS

    response = _upload_photo(client_for(caseworker_a), person_a, original, name=f"photo.{fmt.lower()}")

    assert response.status_code == 302
    person_a.refresh_from_db()
    stored = person_a.photo.read()
    exif = Image.open(BytesIO(stored)).getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert b"PhoneMaker" not in stored


def test_photo_in_the_admin_is_re_encoded_without_exif(client_for, orgadmin_a, person_a):
    url = reverse("admin:people_person_change", args=[person_a.pk])
    client = client_for(orgadmin_a)
    data = changeform_data(client.get(url))
    data["photo"] = SimpleUploadedFile("p.jpg", _image("JPEG", gps=True) + HTML)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person_a.refresh_from_db()
    stored = person_a.photo.read()
    assert b"PhoneMaker" not in stored and b"<script" not in stored


def test_html_named_as_a_photo_is_refused_in_the_admin(client_for, orgadmin_a, person_a):
    url = reverse("admin:people_person_change", args=[person_a.pk])

    _admin_refuses_html(client_for(orgadmin_a), url, "photo", "p.png")


def test_media_folders_and_files_are_private(media):
    name = default_storage.save("documents/new/scan.pdf", ContentFile(b"%PDF-1.4"))

    folder_mode = stat.S_IMODE(os.stat(media / "documents" / "new").st_mode)
    file_mode = stat.S_IMODE(os.stat(media / name).st_mode)
    assert folder_mode & 0o007 == 0, oct(folder_mode)
    assert file_mode & 0o007 == 0, oct(file_mode)

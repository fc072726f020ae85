"""A person's photo: uploaded and served only in scope, replaced, refused when not an image or too large."""

import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


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

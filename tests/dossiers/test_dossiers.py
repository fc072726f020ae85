"""PDF dossiers: the authority's language and script, only the disclosed fields, one disclosure, drafts unrecorded."""

import io
import unicodedata
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from casework.dossiers import services
from casework.dossiers.models import Dossier, DossierStatus
from casework.govrequests.models import DisclosedPerson, Disclosure, DisclosurePolicy
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Arabic comes out in logical order; NFKC folds any presentation forms back to letters.
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))
    return " ".join(text.split())  # table cells wrap long names over lines


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def family_request(org_a, media):
    def build(language: str = "en"):
        authority = factories.GovernmentAuthorityFactory(country="FR", name=f"Ministère {language}", language=language)
        gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
        mother = factories.PersonFactory(
            organisation=org_a, case_number="C-000001", given_name_lat="Amina", father_name_lat="Salem",
            family_name_lat="Dupont", given_name_ar="أمينة", family_name_ar="دوبون", place_of_birth="Roubaix",
            birth_date=date(1994, 3, 1),
        )  # fmt: skip
        son = factories.PersonFactory(
            organisation=org_a, case_number="C-000002", given_name_lat="Yusuf", father_name_lat="Karim",
            family_name_lat="Dupont", given_name_ar="يوسف", family_name_ar="دوبون", sex="male",
            birth_date=date(2017, 5, 1), place_of_birth="Hajin",
        )  # fmt: skip
        factories.FamilyLinkFactory(person=son, relative=mother, relation="mother")
        for person in (son, mother):
            factories.RequestedPersonFactory(request=gov_request, person=person)
        return gov_request

    return build


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_dossier_is_in_the_authoritys_language_with_names_in_their_script_and_order(
    family_request, supervisor_a, language
):
    gov_request = family_request(language)

    dossier = services.dossier_request(
        gov_request=gov_request, actor=supervisor_a, language=language, signing_officer="Nadia Officer"
    )

    assert dossier.status == DossierStatus.READY
    text = pdf_text(dossier.file.read())
    # Persons in case-number order, each with the Latin and the Arabic rendering of their name.
    assert text.index("C-000001") < text.index("C-000002")
    assert "Amina Salem Dupont" in text and "Yusuf Karim Dupont" in text
    assert "أمينة" in text and "يوسف" in text
    assert "Nadia Officer" in text
    assert gov_request.reference in text
    with translation.override(language):
        assert translation.gettext("Persons concerned") in text
        assert translation.gettext("Family composition") in text
    assert dossier.page_count >= 2
    assert f"{dossier.page_count}" in text  # "Page n / N" in the footer


def test_fields_outside_the_disclosure_policy_never_appear(family_request, supervisor_a, org_a):
    gov_request = family_request("en")
    DisclosurePolicy.objects.create(organisation=org_a, country="FR", fields=["case_number", "names_latin"])

    dossier = services.dossier_request(gov_request=gov_request, actor=supervisor_a, language="en", signing_officer="N")

    text = pdf_text(dossier.file.read())
    assert "Amina Salem Dupont" in text
    assert "أمينة" not in text  # Arabic names not chosen
    assert "Roubaix" not in text and "Hajin" not in text  # place of birth not chosen
    assert "1994" not in text  # date of birth not chosen
    assert dossier.disclosure.fields == ["case_number", "names_latin"]


def test_generating_for_sending_records_one_disclosure_and_a_second_render_does_nothing(family_request, supervisor_a):
    gov_request = family_request("fr")

    dossier = services.dossier_request(gov_request=gov_request, actor=supervisor_a, language="fr", signing_officer="N")
    again = services.dossier_render(dossier_id=dossier.pk)  # e.g. a task delivered twice

    assert again.disclosure_id == dossier.disclosure_id
    assert Disclosure.objects.count() == 1
    disclosure = Disclosure.objects.get()
    assert disclosure.disclosed_by == supervisor_a
    assert disclosure.language == "fr"
    assert list(disclosure.requests.all()) == [gov_request]
    assert sorted(DisclosedPerson.objects.values_list("case_number", flat=True)) == ["C-000001", "C-000002"]


def test_draft_preview_is_watermarked_not_stored_and_not_a_disclosure(family_request, client, supervisor_a):
    gov_request = family_request("en")
    client.force_login(supervisor_a)

    response = client.get(reverse("dossiers:preview", args=[gov_request.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "DRAFT" in text
    assert "Draft preview: not for sending, not recorded as a disclosure." in text
    assert Disclosure.objects.count() == 0
    assert Dossier.objects.count() == 0


def test_final_dossier_has_no_watermark(family_request, supervisor_a):
    dossier = services.dossier_request(
        gov_request=family_request("en"), actor=supervisor_a, language="en", signing_officer="N"
    )
    text = pdf_text(dossier.file.read())
    assert "DRAFT" not in text and "not for sending" not in text


def test_large_request_is_rendered_in_the_worker(
    family_request, supervisor_a, monkeypatch, django_capture_on_commit_callbacks
):
    from casework.dossiers import tasks

    monkeypatch.setattr(services, "DOSSIER_SYNC_LIMIT", 1)
    queued: list[int] = []
    monkeypatch.setattr(tasks.render_dossier, "delay_on_commit", lambda pk: queued.append(pk))

    dossier = services.dossier_request(
        gov_request=family_request("en"), actor=supervisor_a, language="en", signing_officer="N"
    )

    assert dossier.status == DossierStatus.PENDING and not dossier.file
    assert queued == [dossier.pk]
    assert tasks.render_dossier(dossier.pk) == DossierStatus.READY
    assert tasks.render_dossier(dossier.pk) == DossierStatus.READY  # run twice: still one disclosure
    assert Disclosure.objects.count() == 1


def test_generate_and_download_through_the_pages(family_request, client, supervisor_a):
    gov_request = family_request("ar")
    client.force_login(supervisor_a)

    response = client.post(
        reverse("dossiers:generate", args=[gov_request.public_id]),
        {"language": "ar", "signing_officer": "Nadia Officer", "signing_title": "Head of office"},
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    section = client.get(reverse("dossiers:section", args=[gov_request.public_id]))
    assert str(dossier.public_id) in section.content.decode()
    download = client.get(reverse("dossiers:file", args=[gov_request.public_id, dossier.public_id]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF-")
    assert "Head of office" in pdf_text(body)


def test_another_organisation_gets_404_everywhere(family_request, client, supervisor_a, supervisor_b):
    gov_request = family_request("en")
    dossier = services.dossier_request(gov_request=gov_request, actor=supervisor_a, language="en", signing_officer="N")
    client.force_login(supervisor_b)

    for url in (
        reverse("dossiers:section", args=[gov_request.public_id]),
        reverse("dossiers:preview", args=[gov_request.public_id]),
        reverse("dossiers:file", args=[gov_request.public_id, dossier.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("dossiers:generate", args=[gov_request.public_id]), {"language": "en", "signing_officer": "X"}
    )
    assert response.status_code == 404
    assert Dossier.objects.count() == 1


def test_image_scans_become_annex_pages_when_documents_are_disclosed(family_request, supervisor_a, org_a):
    from PIL import Image

    gov_request = family_request("en")
    DisclosurePolicy.objects.create(
        organisation=org_a, country="FR", fields=["case_number", "names_latin", "identity_documents"]
    )
    mother = gov_request.persons.get(case_number="C-000001")
    document = factories.IdentityDocumentFactory(person=mother, number="P7654321")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    document.file.save("scan.png", ContentFile(buffer.getvalue()))

    dossier = services.dossier_request(gov_request=gov_request, actor=supervisor_a, language="en", signing_officer="N")

    text = pdf_text(dossier.file.read())
    assert "P7654321" in text
    assert "Annex 1" in text
    assert "identity_documents" in dossier.disclosure.fields


def test_query_count_does_not_grow_with_the_persons(family_request, supervisor_a, org_a, django_assert_max_num_queries):
    from casework.dossiers.selectors import dossier_content

    gov_request = family_request("en")
    for _ in range(10):
        factories.RequestedPersonFactory(request=gov_request)
    with django_assert_max_num_queries(6):
        content = dossier_content(gov_request=gov_request, language="en")
    assert len(content.persons) == 12

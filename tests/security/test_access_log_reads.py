"""The read log, kind by kind: each page or file that shows persons writes one access event per person shown
(test_access_log.py has the person page, list, search, L3 filter, export and admin change page)."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.core.models import AccessEvent, AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from tests import factories
from tests.page_access_pages import PNG_1PX
from tests.security.test_access_log import _access_inserts
from tests.web.test_person_intake import CREATE_URL, intake_data

pytestmark = pytest.mark.django_db

Kind = AccessEvent.Kind


def logged(kind: str | None = None) -> list[tuple[str, int | None]]:
    rows = AccessEvent.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    return [(event.view, event.person_id) for event in rows]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_is_logged(client_for, caseworker_a, person_a, media):
    person_a.photo.save("photo.png", ContentFile(PNG_1PX), save=True)

    response = client_for(caseworker_a).get(reverse("people:person_photo", args=[person_a.public_id]))

    assert response.status_code == 200
    assert logged() == [("people:person_photo", person_a.pk)]
    assert AccessEvent.objects.get().kind == Kind.PHOTO


def test_a_document_copy_is_logged(client_for, caseworker_a, person_a, media):
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("copy.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)

    response = client_for(caseworker_a).get(
        reverse("people:document_file", args=[person_a.public_id, document.public_id])
    )

    assert response.status_code == 200
    assert logged(Kind.DOCUMENT) == [("people:document_file", person_a.pk)]


def test_an_admin_changelist_of_persons_logs_each_person_listed_in_one_insert(client_for, supervisor_a, org_a, org_b):
    persons = factories.PersonFactory.create_batch(4, organisation=org_a)
    factories.PersonFactory(organisation=org_b)
    client = client_for(supervisor_a)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:people_person_changelist"))

    assert response.status_code == 200
    assert _access_inserts(queries.captured_queries) == 1
    assert sorted(person_id for _view, person_id in logged(Kind.LIST)) == sorted(p.pk for p in persons)
    assert {view for view, _id in logged()} == {"admin:people_person_changelist"}


def test_an_admin_search_is_logged_with_a_hash_never_the_terms(client_for, supervisor_a, org_a):
    match = factories.PersonFactory(organisation=org_a, given_name_lat="Zubaida")
    factories.PersonFactory(organisation=org_a, given_name_lat="Other")

    client_for(supervisor_a).get(reverse("admin:people_person_changelist"), {"q": "Zubaida"})

    event = AccessEvent.objects.get()
    assert (event.kind, event.person_id) == (Kind.SEARCH, match.pk)
    assert event.search_hash and "Zubaida" not in str(list(AccessEvent.objects.values()))


def test_an_admin_changelist_of_records_logs_their_persons(client_for, supervisor_a, person_a):
    factories.NationalityClaimFactory(person=person_a)

    response = client_for(supervisor_a).get(reverse("admin:people_nationalityclaim_changelist"))

    assert response.status_code == 200
    assert logged(Kind.LIST) == [("admin:people_nationalityclaim_changelist", person_a.pk)]


def test_the_admin_autocomplete_of_a_person_field_logs_the_persons_offered(client_for, supervisor_a, org_a):
    match = factories.PersonFactory(organisation=org_a, given_name_lat="Zubaida")
    client = client_for(supervisor_a)

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "screenings", "model_name": "screening", "field_name": "person", "term": "Zubaida"},
    )
    facilities = client.get(
        "/admin/autocomplete/",
        {"app_label": "screenings", "model_name": "screening", "field_name": "facility", "term": "a"},
    )

    assert response.status_code == facilities.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(match.pk)]
    event = AccessEvent.objects.get()  # none for the facilities
    assert (event.kind, event.person_id, event.view) == (Kind.SEARCH, match.pk, "admin:autocomplete")
    assert event.search_hash


def test_the_admin_history_of_a_person_and_of_one_version_are_logged(client_for, sensitive_supervisor_a, person_a):
    client = client_for(sensitive_supervisor_a)  # a person's history shows old L3 values: the permission is needed
    version = person_a.history.first()

    assert client.get(reverse("admin:people_person_history", args=[person_a.pk])).status_code == 200
    assert (
        client.get(reverse("admin:people_person_simple_history", args=[person_a.pk, version.history_id])).status_code
        == 200
    )

    assert logged(Kind.ADMIN_CHANGE) == [
        ("admin:people_person_history", person_a.pk),
        ("admin:people_person_simple_history", person_a.pk),
    ]


def test_an_admin_changelist_of_reference_data_logs_nothing(client_for, supervisor_a):
    factories.FacilityFactory()

    assert client_for(supervisor_a).get(reverse("admin:camps_facility_changelist")).status_code == 200
    assert not AccessEvent.objects.exists()


def test_the_family_picker_logs_the_persons_its_search_found(client_for, caseworker_a, person_a, org_a):
    amina = factories.PersonFactory(organisation=org_a, given_name_lat="Amina")
    client = client_for(caseworker_a)

    client.get(reverse("people:family_list", args=[person_a.public_id]))
    assert logged(Kind.SEARCH) == []  # the empty picker searched nothing
    client.post(reverse("people:family_list", args=[person_a.public_id]), {"q": "Amina", "action": "search"})

    assert logged(Kind.SEARCH) == [("people:family_list", amina.pk)]
    assert AccessEvent.objects.get(kind=Kind.SEARCH).search_hash


def test_the_request_picker_logs_the_persons_its_search_found(client_for, caseworker_a, org_a):
    zaynab = factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")

    response = client_for(caseworker_a).post(
        reverse("govrequests:request_create"), {"action": "search", "q": "zaynab martin"}
    )

    assert response.status_code == 200
    assert logged(Kind.SEARCH) == [("govrequests:request_create", zaynab.pk)]


def test_the_intake_duplicate_check_logs_the_candidates_shown(client_for, caseworker_a, org_a):
    existing = factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Fatima",
        father_name_lat="Ahmed",
        family_name_lat="al-Maghribi",
        sex="female",
        birth_date=date(1995, 6, 1),
        birth_date_precision="year",
    )
    data = intake_data(given_name_lat="Fatma", father_name_lat="", family_name_lat="el-Maghribi", given_name_ar="")

    response = client_for(caseworker_a).post(CREATE_URL, {**data, "birth_date": "1996-01-01"})

    assert response.status_code == 200 and 'id="duplicate-candidates"' in response.content.decode()
    assert logged(Kind.SEARCH) == [("people:person_create", existing.pk)]


@pytest.fixture
def sent_request(org_a, person_a):
    authority = factories.GovernmentAuthorityFactory(country="FR")
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


def test_the_request_page_and_its_printable_summary_log_the_persons_covered(
    client_for, caseworker_a, person_a, sent_request
):
    client = client_for(caseworker_a)

    assert client.get(reverse("govrequests:request_detail", args=[sent_request.public_id])).status_code == 200
    assert client.get(reverse("govrequests:request_summary", args=[sent_request.public_id])).status_code == 200

    assert [(e.kind, e.view, e.person_id) for e in AccessEvent.objects.order_by("pk")] == [
        (Kind.LIST, "govrequests:request_detail", person_a.pk),
        (Kind.EXPORT, "govrequests:request_summary", person_a.pk),
    ]


def test_a_dossier_download_logs_the_persons_disclosed(client_for, supervisor_a, person_a, sent_request, media):
    from casework.dossiers import services as dossier_services

    dossier = dossier_services.dossier_request(
        gov_request=sent_request, actor=supervisor_a, language="en", signing_officer="A. Officer"
    )

    client = client_for(supervisor_a)
    response = client.get(reverse("dossiers:file", args=[sent_request.public_id, dossier.public_id]))
    preview = client.get(reverse("dossiers:preview", args=[sent_request.public_id]))

    assert response.status_code == preview.status_code == 200
    assert logged(Kind.EXPORT) == [("dossiers:file", person_a.pk), ("dossiers:preview", person_a.pk)]


def test_the_duplicate_queue_and_comparison_log_both_persons(client_for, supervisor_a, person_a, org_a):
    from casework.matching.models import DuplicatePair

    other = factories.PersonFactory(organisation=org_a)
    a, b = sorted((person_a, other), key=lambda person: person.pk)
    pair = DuplicatePair.objects.create(
        organisation=org_a, person_a=a, person_b=b, score=0.9, reasons=["given name Fatima"], fingerprint="x"
    )
    client = client_for(supervisor_a)

    assert client.get(reverse("matching:duplicate_list")).status_code == 200
    assert client.get(reverse("matching:duplicate_detail", args=[pair.public_id])).status_code == 200

    assert [(e.kind, e.person_id) for e in AccessEvent.objects.order_by("pk")] == [
        (Kind.LIST, a.pk),
        (Kind.LIST, b.pk),
        (Kind.PERSON_PAGE, a.pk),
        (Kind.PERSON_PAGE, b.pk),
    ]


def test_the_import_template_export_logs_every_person(client_for, supervisor_a, org_a):
    persons = factories.PersonFactory.create_batch(3, organisation=org_a)

    response = client_for(supervisor_a).get(reverse("imports:person_export"))

    assert response.status_code == 200
    assert sorted(person_id for _view, person_id in logged(Kind.EXPORT)) == sorted(p.pk for p in persons)


def test_an_export_with_l3_columns_asks_a_purpose_and_the_log_keeps_it(
    client_for, sensitive_supervisor_a, supervisor_a, person_a
):
    client = client_for(sensitive_supervisor_a)
    url = reverse("people:person_export")

    asked = client.get(url, {"status": "registered"})
    unknown = client.get(url, {"purpose": "curiosity"})
    assert asked.status_code == unknown.status_code == 200
    assert 'id="export-purpose-form"' in unknown.content.decode()
    assert not AccessEvent.objects.exists()

    response = client.get(url, {"purpose": "referral"})
    b"".join(response.streaming_content)

    event = AccessEvent.objects.get()
    assert (event.kind, event.person_id, event.purpose) == (Kind.EXPORT, person_a.pk, "referral")
    audit = AuditEvent.objects.get(action=SENSITIVE_READ)
    assert audit.data["purpose"] == "referral"
    # The supervisor sees why on the "who has seen this case" page.
    page = client_for(supervisor_a).get(reverse("people:person_access_log", args=[person_a.public_id]))
    assert "A medical or child-protection referral" in page.content.decode()


def test_an_export_without_l3_columns_asks_nothing(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).get(reverse("people:person_export"))
    b"".join(response.streaming_content)

    assert AccessEvent.objects.get().purpose == ""

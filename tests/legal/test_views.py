"""The new records on the caseworker pages: L3 fields hidden without the permission and each reading
logged with it, the record pages, the person page, and the return wish shown when a request is drafted."""

from datetime import date

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.legal.models import Hearing, LegalProceeding
from casework.people.choices import ReturnRisk, ReturnWish
from casework.people.models import JourneyToSyria
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    HearingFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)

pytestmark = pytest.mark.django_db

# Strings that only the L3 fields of the records below contain.
L3_MARKERS = [
    "Synthetic entry notes.",
    "Synthetic indication notes.",
    "Synthetic risk grounds.",
    "Synthetic proceeding notes.",
    "SYN-001",
    "Hearing at the synthetic court",
]


@pytest.fixture
def situated_person(person_a):
    """person_a with every record of what the situation needs recorded."""
    CustodyEntryFactory(person=person_a)
    JourneyToSyriaFactory(person=person_a)
    ReturnAssessmentFactory(person=person_a, risk=ReturnRisk.RISK)
    HearingFactory(proceeding__person=person_a, purpose="Hearing at the synthetic court")
    person_a.birth_unregistered = True
    person_a.save()
    return person_a


def detail_url(person) -> str:
    return reverse("people:person_detail", args=[person.public_id])


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a"])
def test_person_page_hides_the_new_l3_fields_without_the_permission_and_logs_nothing(
    request, client_for, role, situated_person
):
    html = client_for(request.getfixturevalue(role)).get(detail_url(situated_person)).content.decode()

    for marker in L3_MARKERS:
        assert marker not in html
    assert 'id="legal"' not in html and 'id="journey-indicators"' not in html
    # What is not L3 is shown to everyone: the entry, the journey, the wish and the risk level.
    assert "Baghuz" in html and "Husband" in html and "Real risk of serious harm" in html
    assert 'id="statelessness-risk"' in html and "Born in the camps without a birth registration." in html
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_person_page_shows_the_new_l3_fields_with_the_permission_and_logs_each_record(
    client_for, sensitive_supervisor_a, situated_person
):
    html = client_for(sensitive_supervisor_a).get(detail_url(situated_person)).content.decode()

    for marker in L3_MARKERS:
        assert marker in html
    targets = set(
        AuditEvent.objects.filter(action=SENSITIVE_READ, actor=sensitive_supervisor_a).values_list(
            "target_id", flat=True
        )
    )
    proceeding = LegalProceeding.objects.get(person=situated_person)
    for record in (
        situated_person.custody_entries.get(),
        situated_person.journey,
        situated_person.return_assessments.get(),
        proceeding,
        Hearing.objects.get(proceeding=proceeding),
    ):
        assert str(record.public_id) in targets, type(record).__name__


def test_journey_page_leaves_out_the_indications_without_the_permission(client_for, caseworker_a, person_a):
    JourneyToSyriaFactory(person=person_a)
    url = reverse("people:journey_list", args=[person_a.public_id])

    response = client_for(caseworker_a).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Husband" in html
    assert "Synthetic indication notes." not in html
    assert "coercion_indicator" not in html and "indicator_notes" not in html  # not even in the add form
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_journey_page_shows_and_logs_the_indications_with_the_permission(client_for, sensitive_supervisor_a, person_a):
    journey = JourneyToSyriaFactory(person=person_a)

    html = client_for(sensitive_supervisor_a).get(reverse("people:journey_list", args=[person_a.public_id]))
    assert "Synthetic indication notes." in html.content.decode()
    event = AuditEvent.objects.get(action=SENSITIVE_READ, target_id=str(journey.public_id))
    assert event.data["context"] == "journey_list"


def test_caseworker_records_a_journey_once_and_a_second_is_refused(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    url = reverse("people:journey_list", args=[person_a.public_id])
    data = {"travelled_on": "2014-09-01", "travel_date_precision": "month", "travelled_from": "BE"}

    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "travelled_from": "NL"})

    assert response.status_code == 200  # the form again, with the refusal
    assert JourneyToSyria.objects.get(person=person_a).travelled_from.code == "BE"


def test_a_caseworker_without_the_permission_cannot_set_the_indications_by_posting_them(
    client_for, caseworker_a, person_a
):
    url = reverse("people:journey_list", args=[person_a.public_id])
    client_for(caseworker_a).post(
        url, {"travel_date_precision": "unknown", "trafficking_indicator": "on", "indicator_notes": "Injected"}
    )

    journey = JourneyToSyria.objects.get(person=person_a)
    assert not journey.trafficking_indicator and journey.indicator_notes == ""


def test_sensitive_user_records_a_proceeding_and_its_hearing(client_for, sensitive_supervisor_a, person_a):
    client = client_for(sensitive_supervisor_a)
    response = client.post(
        reverse("legal:proceeding_list", args=[person_a.public_id]),
        {"kind": "prosecution", "country": "FR", "outcome": "pending", "opened_on": "2021-03-01"},
    )
    assert response.status_code == 302
    proceeding = LegalProceeding.objects.get(person=person_a)
    assert proceeding.recorded_by == sensitive_supervisor_a

    response = client.post(
        reverse("legal:hearing_list", args=[person_a.public_id]),
        {"proceeding": proceeding.pk, "hearing_on": "2027-02-01", "court": "Paris"},
    )
    assert response.status_code == 302
    assert Hearing.objects.get(person=person_a).proceeding == proceeding


def test_the_hearing_form_offers_only_the_persons_own_proceedings(client_for, sensitive_supervisor_a, person_a, org_a):
    other = LegalProceedingFactory(person=factories.PersonFactory(organisation=org_a))

    response = client_for(sensitive_supervisor_a).post(
        reverse("legal:hearing_list", args=[person_a.public_id]), {"proceeding": other.pk, "hearing_on": "2027-02-01"}
    )

    assert response.status_code == 200
    assert not Hearing.objects.exists()


def test_legal_pages_do_not_exist_without_the_permission(client_for, supervisor_a, person_a):
    proceeding = LegalProceedingFactory(person=person_a)
    client = client_for(supervisor_a)

    assert client.get(reverse("legal:proceeding_list", args=[person_a.public_id])).status_code == 404
    assert (
        client.get(reverse("legal:proceeding_update", args=[person_a.public_id, proceeding.public_id])).status_code
        == 404
    )


def test_legal_admin_is_closed_without_the_permission(client_for, supervisor_a, sensitive_supervisor_a, person_a):
    LegalProceedingFactory(person=person_a)
    url = reverse("admin:legal_legalproceeding_changelist")

    assert client_for(supervisor_a).get(url).status_code == 403
    assert client_for(sensitive_supervisor_a).get(url).status_code == 200


def test_person_admin_shows_the_legal_inlines_only_with_the_permission(
    client_for, supervisor_a, sensitive_supervisor_a, person_a
):
    LegalProceedingFactory(person=person_a)
    JourneyToSyriaFactory(person=person_a)
    url = reverse("admin:people_person_change", args=[person_a.pk])

    plain = client_for(supervisor_a).get(url).content.decode()
    sensitive = client_for(sensitive_supervisor_a).get(url).content.decode()

    assert "Synthetic proceeding notes." not in plain and "Synthetic indication notes." not in plain
    assert "Husband" in plain
    assert "Synthetic proceeding notes." in sensitive and "Synthetic indication notes." in sensitive


def test_request_drafting_shows_each_chosen_persons_return_wish_and_risk(client_for, caseworker_a, person_a, org_a):
    ReturnAssessmentFactory(person=person_a, country="FR", wish=ReturnWish.DOES_NOT_WISH, assessed_on=date(2025, 2, 1))
    unassessed = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    url = reverse("govrequests:request_create") + f"?person={person_a.public_id}&person={unassessed.public_id}"

    html = client_for(caseworker_a).get(url).content.decode()

    assert "Return to France: Does not wish to return; risk: No real risk found" in html
    assert "text-danger" in html  # an unwilling person is flagged
    assert "No wish or risk on return recorded." in html
    assert "Synthetic risk grounds." not in html  # the grounds (L3) are never shown there


def test_timeline_shows_the_journey_the_entry_into_custody_and_the_return_wish_but_no_proceeding(
    sensitive_supervisor_a, situated_person
):
    from casework.pages import selectors

    person = selectors.person_detail_queryset(user=sensitive_supervisor_a).get(pk=situated_person.pk)

    entries = selectors.person_timeline(person=person, user=sensitive_supervisor_a)

    titles = {entry.kind: entry.title for entry in entries}
    assert titles["journey"] == "Travelled to Syria"
    assert titles["custody_entry"] == "Came into custody: Surrender"
    assert titles["return"] == "Return to France: wish and risk recorded"
    assert not any("proceeding" in entry.kind or "hearing" in entry.kind for entry in entries)

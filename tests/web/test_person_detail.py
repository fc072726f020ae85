"""The person detail page: scope, sensitive sections and their audit, family links, timeline, queries."""

from datetime import date

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.pages import selectors
from casework.people.services import person_transition
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["caseworker_a", "supervisor_a", "sensitive_supervisor_a", "auditor_a", "superuser"]
# Strings that only the L3 fields of the records below contain.
SENSITIVE_MARKERS = [
    "Synthetic screening findings.",
    "Synthetic child-protection findings.",
    "Block 4, tent 12",
    "Synthetic DNA notes.",
    "Synthetic health notes.",
]


def detail_url(person) -> str:
    return reverse("people:person_detail", args=[person.public_id])


@pytest.fixture
def full_person(person_a, caseworker_a):
    """person_a with a record of every kind."""
    camp = factories.FacilityFactory(name="Camp Roj")
    factories.CustodyPeriodFactory(person=person_a, facility=camp, start_date=date(2019, 4, 1))
    factories.ScreeningFactory(person=person_a)
    factories.AssessmentFactory(person=person_a)
    factories.DnaTestFactory(
        person=person_a, notes="Synthetic DNA notes.", outcome="match", result_received_on=date(2025, 3, 1)
    )
    factories.NationalityClaimFactory(person=person_a, country="FR", claimed_on=date(2019, 5, 1))
    factories.IdentityDocumentFactory(person=person_a, seen_on=date(2020, 1, 1))
    factories.AliasFactory(person=person_a, name="Umm Yusuf")
    factories.RequestedPersonFactory(
        person=person_a,
        request__organisation=person_a.organisation,
        request__submitted=True,
        decision="accepted",
        decided_on=date(2025, 4, 1),
    )
    person_a.health_notes = "Synthetic health notes."
    person_a.save()
    person_transition(person=person_a, to="identity_in_progress", actor=caseworker_a, note="Documents arrived")
    return person_a


@pytest.mark.parametrize("role", ROLES)
def test_roles_of_organisation_a_open_its_person(request, client_for, role, full_person):
    response = client_for(request.getfixturevalue(role)).get(detail_url(full_person))

    assert response.status_code == 200
    html = response.content.decode()
    assert full_person.case_number in html
    assert '<p class="fs-4 mb-0" lang="ar" dir="rtl">' in html


@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_person_outside_the_scope_is_not_found(request, client_for, role, full_person):
    response = client_for(request.getfixturevalue(role)).get(detail_url(full_person))

    assert response.status_code == 404


def test_missing_person_is_not_found(client_for, caseworker_a):
    response = client_for(caseworker_a).get(
        reverse("people:person_detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
    )

    assert response.status_code == 404


def test_anonymous_user_is_sent_to_login(client, person_a):
    response = client.get(detail_url(person_a))

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a"])
def test_sensitive_fields_are_hidden_without_the_permission_and_nothing_is_logged(
    request, client_for, role, full_person
):
    html = client_for(request.getfixturevalue(role)).get(detail_url(full_person)).content.decode()

    for marker in SENSITIVE_MARKERS:
        assert marker not in html
    assert 'id="health"' not in html
    assert not AuditEvent.objects.filter(action=SENSITIVE_READ).exists()


def test_sensitive_fields_are_shown_with_the_permission_and_each_record_is_logged(
    client_for, sensitive_supervisor_a, full_person
):
    html = client_for(sensitive_supervisor_a).get(detail_url(full_person)).content.decode()

    for marker in SENSITIVE_MARKERS:
        assert marker in html
    events = AuditEvent.objects.filter(action=SENSITIVE_READ, actor=sensitive_supervisor_a)
    targets = set(events.values_list("target_id", flat=True))
    assert str(full_person.public_id) in targets
    assert str(full_person.screenings.get().public_id) in targets
    assert str(full_person.assessments.get().public_id) in targets
    assert str(full_person.dna_tests.get().public_id) in targets
    assert str(full_person.custody_periods.get().public_id) in targets
    assert {event.data["context"] for event in events} == {"person_detail"}


def test_family_links_open_relatives_in_scope_and_hide_others(client_for, org_a, fieldworker_a):
    mother = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, given_name_lat="Khadija")
    child = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, given_name_lat="Yusuf")
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Hidden", family_name_lat="Relative")
    factories.FamilyLinkFactory(person=child, relative=mother, relation="mother")
    factories.FamilyLinkFactory(person=child, relative=other, relation="father")

    html = client_for(fieldworker_a).get(detail_url(child)).content.decode()

    assert detail_url(mother) in html
    assert detail_url(other) not in html
    assert "Hidden" not in html and other.case_number not in html
    assert "a person outside your caseload" in html


def test_timeline_lists_events_newest_first(full_person, caseworker_a):
    person = selectors.person_detail_queryset(user=caseworker_a).get(pk=full_person.pk)

    entries = selectors.person_timeline(person=person, user=caseworker_a)

    kinds = {entry.kind for entry in entries}
    assert {
        "registered",
        "status",
        "custody",
        "screening",
        "nationality",
        "document",
        "dna",
        "assessment",
        "decision",
    } <= kinds
    assert [e.sort_key for e in entries] == sorted((e.sort_key for e in entries), reverse=True)
    # No L3 detail for a user without the permission.
    assert all(entry.detail != "Match" for entry in entries)
    assert not any(entry.sensitive for entry in entries)


def test_timeline_shows_l3_details_to_permitted_users(full_person, sensitive_supervisor_a):
    person = selectors.person_detail_queryset(user=sensitive_supervisor_a).get(pk=full_person.pk)

    entries = selectors.person_timeline(person=person, user=sensitive_supervisor_a)

    assert any(entry.kind == "dna" and entry.detail == "Match" for entry in entries)
    assert any(entry.kind == "screening" and entry.detail == "Cleared" for entry in entries)


def _add_records(person, count: int) -> None:
    for index in range(count):
        factories.ScreeningFactory(person=person)
        factories.AssessmentFactory(person=person)
        factories.DnaTestFactory(person=person)
        factories.AliasFactory(person=person, name=f"Alias {index}")
        factories.IdentityDocumentFactory(person=person)
        factories.NationalityClaimFactory(
            person=person, country=["FR", "DE", "BE", "NL", "TR", "RU"][index], is_primary=index == 0
        )
        factories.FamilyLinkFactory(person=person, relation="sibling")
        request = factories.GovernmentRequestFactory(organisation=person.organisation, submitted=True)
        factories.RequestedPersonFactory(request=request, person=person)
        factories.RequestEventFactory(request=request)
        factories.CustodyPeriodFactory(
            person=person, start_date=date(2019, 1, 1 + index), end_date=date(2019, 1, 2 + index)
        )


# 1 session, 2 user, 3 person (+ assigned caseworker, household, organisation, journey), 4-16 prefetches
# (aliases, family links with relatives, custody, screenings, claims, documents, DNA tests,
# assessments, request memberships with requests, request events, status changes; entries into custody,
# return assessments; the journey is joined to the person),
# 17-18 permissions, 19 relatives in scope, 20 reminders about the person, 21 disclosures about the
# person, 22 the current policies of the claimed States; then the session save (UPDATE + 2 transaction
# statements) and the read log (one INSERT, core.access).
DETAIL_READS = 22
DETAIL_QUERIES_MAX = DETAIL_READS + 3 + 1


@pytest.mark.parametrize("records", [1, 6])
def test_person_detail_query_count_does_not_grow_with_records(
    client_for, caseworker_a, person_a, django_assert_max_num_queries, records
):
    _add_records(person_a, records)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(DETAIL_QUERIES_MAX) as captured:
        response = client.get(detail_url(person_a))

    assert response.status_code == 200
    reads = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == DETAIL_READS, "\n".join(q["sql"][:120] for q in reads)

"""The read log: every page showing persons writes who saw whom, in one INSERT per page; supervisors see it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.core.models import AccessEvent
from tests import factories

pytestmark = pytest.mark.django_db

Kind = AccessEvent.Kind


def _access_inserts(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("INSERT") and "core_accessevent" in q["sql"])


def test_person_page_is_logged(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).get(reverse("people:person_detail", args=[person_a.public_id]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.person_id, event.kind, event.view) == (
        caseworker_a,
        person_a.pk,
        Kind.PERSON_PAGE,
        "people:person_detail",
    )


def test_a_list_logs_every_person_shown_in_one_insert(client_for, caseworker_a, org_a):
    persons = factories.PersonFactory.create_batch(7, organisation=org_a)
    client = client_for(caseworker_a)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:person_list"))

    assert response.status_code == 200
    assert _access_inserts(queries.captured_queries) == 1
    assert set(AccessEvent.objects.values_list("person_id", flat=True)) == {p.pk for p in persons}
    assert set(AccessEvent.objects.values_list("kind", flat=True)) == {Kind.LIST}
    assert AccessEvent.objects.values("request_id").distinct().count() == 1


def test_a_search_is_logged_with_a_hash_never_the_terms(client_for, caseworker_a, org_a):
    match = factories.PersonFactory(organisation=org_a, given_name_lat="Zubaida")
    factories.PersonFactory(organisation=org_a, given_name_lat="Other")

    client_for(caseworker_a).get(reverse("people:person_list"), {"q": "Zubaida"})
    client_for(caseworker_a).get(reverse("people:person_list"), {"q": "nobody-by-this-name"})

    events = list(AccessEvent.objects.order_by("pk"))
    assert [(e.kind, e.person_id) for e in events] == [(Kind.SEARCH, match.pk), (Kind.SEARCH, None)]
    assert events[0].search_hash and events[0].search_hash != events[1].search_hash
    stored = str(list(AccessEvent.objects.values()))
    assert "Zubaida" not in stored and "nobody-by-this-name" not in stored


def test_a_filter_on_an_l3_field_is_logged_as_such(client_for, sensitive_supervisor_a, org_a):
    urgent = factories.PersonFactory(organisation=org_a, medical_urgent=True)

    client_for(sensitive_supervisor_a).get(reverse("people:person_list"), {"medical_urgent": "true"})

    event = AccessEvent.objects.get()
    assert (event.kind, event.person_id, event.filters) == (Kind.SENSITIVE_FILTER, urgent.pk, ["medical_urgent"])


def test_an_export_logs_every_exported_person(client_for, caseworker_a, org_a):
    persons = factories.PersonFactory.create_batch(3, organisation=org_a)

    response = client_for(caseworker_a).get(reverse("people:person_export"))
    b"".join(response.streaming_content)

    assert sorted(AccessEvent.objects.filter(kind=Kind.EXPORT).values_list("person_id", flat=True)) == sorted(
        p.pk for p in persons
    )


def test_an_admin_change_page_is_logged(client_for, supervisor_a, person_a):
    response = client_for(supervisor_a).get(reverse("admin:people_person_change", args=[person_a.pk]))

    assert response.status_code == 200
    assert AccessEvent.objects.filter(kind=Kind.ADMIN_CHANGE, person_id=person_a.pk, user=supervisor_a).exists()


def test_records_pages_are_logged(client_for, caseworker_a, person_a):
    client_for(caseworker_a).get(reverse("people:alias_list", args=[person_a.public_id]))

    assert AccessEvent.objects.filter(kind=Kind.PERSON_PAGE, person_id=person_a.pk).exists()


def test_a_refused_or_missing_page_logs_nothing(client_for, caseworker_b, person_a):
    response = client_for(caseworker_b).get(reverse("people:person_detail", args=[person_a.public_id]))

    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_supervisors_see_who_has_seen_a_case(client_for, caseworker_a, supervisor_a, superuser, person_a):
    client_for(caseworker_a).get(reverse("people:person_detail", args=[person_a.public_id]))
    client_for(superuser).get(reverse("people:person_detail", args=[person_a.public_id]))

    client = client_for(supervisor_a)
    page = client.get(reverse("people:person_access_log", args=[person_a.public_id]))
    detail = client.get(reverse("people:person_detail", args=[person_a.public_id]))

    assert page.status_code == 200
    assert [e.user for e in page.context["events"]] == [superuser, caseworker_a]
    # The person's own page shows the latest readers (the supervisor's own reading is written after it).
    assert [e.user for e in detail.context["recent_access"]] == [superuser, caseworker_a]
    assert "access-log-link" in detail.content.decode()


def test_caseworkers_do_not_see_the_read_log(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)

    assert client.get(reverse("people:person_access_log", args=[person_a.public_id])).status_code == 403
    assert client.get(reverse("people:person_detail", args=[person_a.public_id])).context["recent_access"] is None


def test_the_read_log_page_answers_in_a_fixed_number_of_queries(
    client_for, org_a, supervisor_a, person_a, django_assert_max_num_queries
):
    for index in range(5):
        reader = factories.UserFactory(username=f"reader{index}", organisation=org_a, role="caseworker")
        client_for(reader).get(reverse("people:person_detail", args=[person_a.public_id]))
    client = client_for(supervisor_a)

    # Session, user, permissions, the person, the events with their readers: not one more per reader.
    with django_assert_max_num_queries(9):
        client.get(reverse("people:person_access_log", args=[person_a.public_id]))

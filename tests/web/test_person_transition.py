"""Moving a case to another status from the detail page: with and without htmx, refusals, scope, capability."""

import pytest
from django.urls import reverse

from casework.people.models import Person, PersonStatusChange
from tests import factories

pytestmark = pytest.mark.django_db


def transition_url(person) -> str:
    return reverse("people:person_transition", args=[person.public_id])


def detail_url(person) -> str:
    return reverse("people:person_detail", args=[person.public_id])


def test_detail_page_offers_only_the_allowed_transitions(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).get(detail_url(person_a))

    form = response.context["transition_form"]
    assert response.context["can_transition"] is True
    assert [value for value, _label in form.fields["to"].choices] == person_a.allowed_transitions()
    html = response.content.decode()
    assert 'id="transition-form"' in html
    assert f'hx-post="{transition_url(person_a)}"' in html
    assert f'action="{transition_url(person_a)}"' in html
    assert 'name="closure_reason"' in html  # "closed" is allowed from "registered"


def test_closure_reason_is_not_offered_when_the_case_cannot_be_closed(client_for, caseworker_a, person_a):
    Person.objects.filter(pk=person_a.pk).update(status="handover_scheduled")

    response = client_for(caseworker_a).get(detail_url(person_a))

    assert "closure_reason" not in response.context["transition_form"].fields


def test_auditor_sees_no_transition_form_and_cannot_post(client_for, auditor_a, person_a):
    client = client_for(auditor_a)

    response = client.get(detail_url(person_a))
    assert response.context["can_transition"] is False
    assert 'id="transition-form"' not in response.content.decode()

    response = client.post(transition_url(person_a), {"to": "identity_in_progress"})
    assert response.status_code == 403
    person_a.refresh_from_db()
    assert person_a.status == "registered"


def test_closed_case_shows_no_transition_form(client_for, caseworker_a, org_a):
    person = factories.PersonFactory(organisation=org_a, closed=True)

    response = client_for(caseworker_a).get(detail_url(person))

    assert response.context["can_transition"] is False
    assert 'id="transition-form"' not in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_person_outside_the_scope_is_not_found(request, client_for, role, person_a):
    response = client_for(request.getfixturevalue(role)).post(transition_url(person_a), {"to": "identity_in_progress"})

    assert response.status_code == 404
    person_a.refresh_from_db()
    assert person_a.status == "registered"


def test_get_is_not_allowed(client_for, caseworker_a, person_a):
    assert client_for(caseworker_a).get(transition_url(person_a)).status_code == 405


def test_transition_without_javascript_redirects_to_the_person(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)

    response = client.post(transition_url(person_a), {"to": "identity_in_progress", "note": "Documents arrived"})

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(person_a)}#status"
    person_a.refresh_from_db()
    assert person_a.status == "identity_in_progress"
    change = PersonStatusChange.objects.get(person=person_a)
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        "registered",
        "identity_in_progress",
        caseworker_a,
        "Documents arrived",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Case status changed to “Identity in progress”." in html


def test_transition_with_htmx_renders_the_status_panel(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).post(
        transition_url(person_a), {"to": "identity_in_progress"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<section id="status"' in html
    assert "<html" not in html
    assert 'id="person-status-badge" hx-swap-oob="true"' in html
    assert "Identity in progress" in html
    # The new form offers the moves from the new status.
    choices = [value for value, _label in response.context["transition_form"].fields["to"].choices]
    assert choices == Person.objects.get(pk=person_a.pk).allowed_transitions()


def test_closing_needs_a_reason_and_a_closure_reason(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)

    response = client.post(transition_url(person_a), {"to": "closed"}, follow=True)
    assert "Give a reason for this change." in response.content.decode()
    response = client.post(transition_url(person_a), {"to": "closed", "note": "Back home"}, follow=True)
    assert "Choose a closure reason." in response.content.decode()
    person_a.refresh_from_db()
    assert person_a.status == "registered"

    client.post(transition_url(person_a), {"to": "closed", "note": "Back home", "closure_reason": "repatriated"})
    person_a.refresh_from_db()
    assert (person_a.status, person_a.closure_reason) == ("closed", "repatriated")


def test_refused_transition_explains_why_without_javascript(client_for, caseworker_a, person_a):
    Person.objects.filter(pk=person_a.pk).update(status="request_pending")

    response = client_for(caseworker_a).post(transition_url(person_a), {"to": "accepted"}, follow=True)

    assert "No accepted decision yet." in response.content.decode()
    assert Person.objects.get(pk=person_a.pk).status == "request_pending"
    assert not PersonStatusChange.objects.exists()


def test_refused_transition_explains_why_with_htmx(client_for, caseworker_a, person_a):
    Person.objects.filter(pk=person_a.pk).update(status="request_pending")

    response = client_for(caseworker_a).post(
        transition_url(person_a), {"to": "accepted"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "No accepted decision yet." in response.content.decode()
    assert Person.objects.get(pk=person_a.pk).status == "request_pending"


def test_a_move_not_allowed_from_the_current_status_is_refused(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).post(transition_url(person_a), {"to": "repatriated"}, follow=True)

    assert "Select a valid choice." in response.content.decode()
    assert Person.objects.get(pk=person_a.pk).status == "registered"


def test_accepted_decision_lets_the_case_move_to_accepted(client_for, caseworker_a, person_a):
    Person.objects.filter(pk=person_a.pk).update(status="request_pending")
    factories.RequestedPersonFactory(
        person=person_a, request__organisation=person_a.organisation, request__submitted=True, decision="accepted"
    )

    client_for(caseworker_a).post(transition_url(person_a), {"to": "accepted"})

    assert Person.objects.get(pk=person_a.pk).status == "accepted"


# 1 session, 2 user, 3-4 permissions, 5 person; the service: savepoint, person locked, UPDATE,
# history row, status change, content type of the audit target, audit event, release; then the
# session save (savepoint, UPDATE, release).
TRANSITION_QUERIES_MAX = 16


def test_transition_query_count(client_for, caseworker_a, person_a, django_assert_max_num_queries):
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(TRANSITION_QUERIES_MAX):
        response = client.post(transition_url(person_a), {"to": "identity_in_progress"}, headers={"HX-Request": "true"})

    assert response.status_code == 200

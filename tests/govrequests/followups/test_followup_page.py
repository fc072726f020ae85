"""The follow-up page and sending: permissions, scope, double and stale posts, query counts, real SMTP delivery."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import (
    EventKind,
    FollowUpStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    RequestEvent,
)
from casework.outbox.models import OutboundMessage
from casework.people.models import Person
from tests import factories
from tests.govrequests.followups.helpers import (
    FOLLOWUP_READS,
    L3_VALUES,
    draft_for,
    page_url,
    pending_person,
    reads_of,
    render_digest,
    send_post,
)
from tests.outbox.test_email_delivery import parts, smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


# --- The follow-up page and sending it --------------------------------------------------------


def test_request_page_links_to_the_follow_up(client_for, caseworker_a, world):
    response = client_for(caseworker_a).get(page_url("request_detail", world["sent"]))

    assert response.status_code == 200
    assert page_url("request_followup", world["sent"]) in response.content.decode()


def test_caseworker_reviews_the_draft_with_recipient_fields_and_letter(client_for, caseworker_a, world, draft):
    response = client_for(caseworker_a).get(page_url("request_followup", world["sent"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "mfa@fr.example" in html
    assert "Names in Latin script" in html
    assert response.context["can_send"]
    assert response.context["rendered"].digest == render_digest(draft)
    for person in world["pending"]:
        assert f'data-case-number="{person.case_number}"' in html
    for value in L3_VALUES:
        assert value not in html


def test_caseworker_sends_the_follow_up_and_the_disclosure_is_recorded(
    client_for, caseworker_a, world, draft, authority, django_capture_on_commit_callbacks
):
    client = client_for(caseworker_a)

    with django_capture_on_commit_callbacks() as callbacks:
        response = send_post(client, world["sent"], draft)

    assert response.status_code == 302
    assert len(callbacks) == 1  # the delivery task, enqueued on commit
    draft.refresh_from_db()
    assert draft.status == FollowUpStatus.SENT
    disclosure = Disclosure.objects.get()
    assert disclosure.followup == draft
    assert disclosure.disclosed_by == caseworker_a
    assert disclosure.to_email == "mfa@fr.example"
    assert disclosure.authority == authority
    assert disclosure.language == "fr"
    assert disclosure.fields == ["case_number", "names_latin", "names_arabic", "sex", "birth_date"]
    assert set(disclosure.persons.values_list("pk", flat=True)) == {p.pk for p in world["pending"]}
    assert set(disclosure.requests.all()) == {world["sent"], world["acknowledged"]}
    row = DisclosedPerson.objects.get(person=world["pending"][0])
    assert row.request_references == [world["sent"].reference]
    message = OutboundMessage.objects.get()
    assert message.disclosure == disclosure
    assert message.idempotency_key == f"followup:{draft.pk}"
    assert message.to_email == "mfa@fr.example"
    assert message.recipient is None
    events = RequestEvent.objects.filter(kind=EventKind.FOLLOW_UP)
    assert {e.request_id for e in events} == {world["sent"].pk, world["acknowledged"].pk}
    assert all(e.created_by == caseworker_a and e.occurred_on for e in events)
    assert AuditEvent.objects.filter(action="govrequests.followup.sent").count() == 1


def test_a_double_post_sends_once(client_for, caseworker_a, world, draft, django_capture_on_commit_callbacks):
    client = client_for(caseworker_a)
    digest = render_digest(draft)

    with django_capture_on_commit_callbacks() as callbacks:
        first = send_post(client, world["sent"], draft, digest)
        second = send_post(client, world["sent"], draft, digest)

    assert first.status_code == second.status_code == 302
    assert len(callbacks) == 1
    assert OutboundMessage.objects.count() == 1
    assert Disclosure.objects.count() == 1
    assert RequestEvent.objects.filter(kind=EventKind.FOLLOW_UP).count() == 2  # one per request, once


def test_a_letter_changed_since_the_review_is_not_sent(client_for, caseworker_a, world, draft):
    digest = render_digest(draft)
    Person.objects.filter(pk=world["pending"][0].pk).update(given_name_lat="Aminata")

    response = send_post(client_for(caseworker_a), world["sent"], draft, digest)

    assert response.status_code == 302
    assert not Disclosure.objects.exists()
    assert not OutboundMessage.objects.exists()
    draft.refresh_from_db()
    assert draft.status == FollowUpStatus.OPEN


def test_a_draft_whose_pending_persons_changed_is_not_sent(client_for, caseworker_a, world, draft, authority, org_a):
    pending_person(org_a, world["sent"])

    response = send_post(client_for(caseworker_a), world["sent"], draft)

    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_auditor_sees_the_draft_but_cannot_send_it(client_for, auditor_a, world, draft):
    client = client_for(auditor_a)

    page = client.get(page_url("request_followup", world["sent"]))
    response = send_post(client, world["sent"], draft)

    assert page.status_code == 200
    assert not page.context["can_send"]
    assert response.status_code == 403
    assert client.post(page_url("request_followup_refresh", world["sent"])).status_code == 403
    assert not Disclosure.objects.exists()


def test_another_organisation_gets_404(client_for, caseworker_b, supervisor_b, world, draft):
    client = client_for(caseworker_b)

    assert client.get(page_url("request_followup", world["sent"])).status_code == 404
    assert send_post(client, world["sent"], draft).status_code == 404
    assert client.post(page_url("request_followup_refresh", world["sent"])).status_code == 404
    # Nor can B send A's draft through B's own request to the same authority.
    assert send_post(client_for(supervisor_b), world["request_b"], draft).status_code == 404
    assert not Disclosure.objects.exists()


def test_assigned_only_caseworker_cannot_send_a_draft_with_persons_outside_their_caseload(
    client_for, fieldworker_a, world, draft
):
    Person.objects.filter(pk=world["pending"][0].pk).update(assigned_to=fieldworker_a)
    client = client_for(fieldworker_a)

    page = client.get(page_url("request_followup", world["sent"]))
    response = send_post(client, world["sent"], draft)

    assert page.status_code == 200
    assert page.context["hidden_count"] == 1
    assert page.context["rendered"] is None
    assert not page.context["can_send"]
    assert world["pending"][1].case_number not in page.content.decode()
    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_assigned_only_caseworker_cannot_refresh_or_discard_a_draft_with_persons_outside_their_caseload(
    client_for, fieldworker_a, world, draft, org_a, authority
):
    Person.objects.filter(pk=world["pending"][0].pk).update(assigned_to=fieldworker_a)
    refreshed_at = draft.refreshed_at
    client = client_for(fieldworker_a)

    page = client.get(page_url("request_followup", world["sent"]))
    refresh = client.post(page_url("request_followup_refresh", world["sent"]))
    discard = client.post(page_url("request_followup_discard", world["sent"]), {"followup": str(draft.public_id)})

    assert not page.context["can_refresh"]
    assert not page.context["can_discard"]
    assert (refresh.status_code, discard.status_code) == (403, 403)
    draft.refresh_from_db()
    assert (draft.status, draft.refreshed_at, draft.closed_by) == (FollowUpStatus.OPEN, refreshed_at, None)
    with pytest.raises(PermissionDenied):
        services.followup_discard(followup=draft, actor=fieldworker_a)
    with pytest.raises(PermissionDenied):
        draft_for(org_a, authority, fieldworker_a)
    # Nothing audited of the refused acts (the login itself is an event).
    assert not AuditEvent.objects.filter(actor=fieldworker_a).exclude(action="accounts.user.logged_in").exists()


def test_assigned_only_caseworker_cannot_draft_a_follow_up_listing_persons_outside_their_caseload(
    client_for, fieldworker_a, world, org_a, authority
):
    Person.objects.filter(pk=world["pending"][0].pk).update(assigned_to=fieldworker_a)
    client = client_for(fieldworker_a)

    page = client.get(page_url("request_followup", world["sent"]))
    response = client.post(page_url("request_followup_refresh", world["sent"]))

    assert not page.context["can_refresh"]
    assert response.status_code == 403
    assert not AuthorityFollowUp.objects.exists()


def test_assigned_only_caseworker_who_sees_every_pending_person_refreshes_and_discards(
    client_for, fieldworker_a, world, draft
):
    Person.objects.filter(pk__in=[p.pk for p in world["pending"]]).update(assigned_to=fieldworker_a)
    client = client_for(fieldworker_a)

    page = client.get(page_url("request_followup", world["sent"]))
    refresh = client.post(page_url("request_followup_refresh", world["sent"]))
    discard = client.post(page_url("request_followup_discard", world["sent"]), {"followup": str(draft.public_id)})

    assert page.context["can_refresh"] and page.context["can_discard"]
    assert (refresh.status_code, discard.status_code) == (302, 302)
    draft.refresh_from_db()
    assert (draft.status, draft.closed_by) == (FollowUpStatus.DISCARDED, fieldworker_a)


def test_caseworker_drafts_and_discards_from_the_page(client_for, caseworker_a, world, org_a, authority):
    client = client_for(caseworker_a)

    client.post(page_url("request_followup_refresh", world["sent"]))
    draft_obj = AuthorityFollowUp.objects.get(organisation=org_a, authority=authority)
    client.post(page_url("request_followup_discard", world["sent"]), {"followup": str(draft_obj.public_id)})

    draft_obj.refresh_from_db()
    assert draft_obj.status == FollowUpStatus.DISCARDED
    assert draft_obj.closed_by == caseworker_a


def test_an_authority_without_address_cannot_be_sent_to(client_for, caseworker_a, world, draft, authority):
    authority.email = ""
    authority.save()

    page = client_for(caseworker_a).get(page_url("request_followup", world["sent"]))
    response = send_post(client_for(caseworker_a), world["sent"], draft)

    assert not page.context["can_send"]
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("rows", [1, 6])
def test_follow_up_page_query_count_does_not_grow_with_persons(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, rows
):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    for _ in range(rows):
        pending_person(org_a, gov_request)
    draft_for(org_a, authority, caseworker_a)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(FOLLOWUP_READS + 4) as captured:  # + the read log's INSERT
        response = client.get(page_url("request_followup", gov_request))

    assert response.status_code == 200
    assert len(response.context["persons"]) == rows
    reads = reads_of(captured)
    assert len(reads) == FOLLOWUP_READS, "\n".join(q["sql"][:150] for q in reads)


def test_person_page_shows_what_was_disclosed(client_for, caseworker_a, world, draft):
    send_post(client_for(caseworker_a), world["sent"], draft)

    response = client_for(caseworker_a).get(reverse("people:person_detail", args=[world["pending"][0].public_id]))

    html = response.content.decode()
    assert "Disclosed to Ministère de l&#x27;Europe et des Affaires étrangères on" in html
    assert "Names in Latin script" in html


# --- Delivery on a real SMTP server -------------------------------------------------------------


def test_the_letter_arrives_on_a_real_smtp_server_without_l3_data(
    client_for,
    caseworker_a,
    world,
    draft,
    smtp,  # noqa: F811 (the fixture imported above)
    send_in_process,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_post(client_for(caseworker_a), world["sent"], draft)

    assert response.status_code == 302
    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received["To"] == "mfa@fr.example"
    subject = str(received["Subject"])
    assert "Amina" not in subject and world["pending"][0].case_number not in subject
    bodies = parts(received)
    assert "Madame, Monsieur" in bodies["text/plain"]
    assert "Amina Ahmed Durand" in bodies["text/plain"]
    assert '<html lang="fr" dir="ltr">' in bodies["text/html"]
    for body in bodies.values():
        for person in world["pending"]:
            assert person.case_number in body
        for value in L3_VALUES:
            assert value not in body
    message = OutboundMessage.objects.get()
    assert message.status == "sent"

"""Follow-up letters to authorities and the disclosure record (issue #5).

- the draft: one open draft per organisation and authority, only the authority's pending persons,
  refreshed in place, refused twice by the database;
- the disclosure policy: a whitelist, L3 never allowed, authority over State over default, and a
  field not chosen is absent from the letter;
- the letter's language: French, Arabic (right to left), English for anything else;
- the request page: permissions, scope (another organisation: 404; a person outside an
  assigned-only caseworker's caseload: 403), a double POST sends once, a stale review sends nothing;
- the disclosure record and the follow-up event on each request;
- the e-mail, delivered on a real local SMTP server (aiosmtpd), without L3 data or names in the subject;
- drafting many follow-ups at once (the sweep's): the same drafts, items and audit as one by one,
  a constant number of queries, all or nothing on scope, and a refresh meanwhile waits for the lock;
- automatic drafting by the reminder sweep for a given day.
"""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from casework.accounts import roles
from casework.core.models import AuditEvent
from casework.core.sensitivity import sensitive_fields
from casework.govrequests import selectors, services
from casework.govrequests.choices import (
    DEFAULT_DISCLOSURE_FIELDS,
    DISCLOSURE_FIELD_SOURCES,
    Decision,
    DisclosureField,
    EventKind,
    FollowUpStatus,
    RequestStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosedPerson,
    Disclosure,
    DisclosurePolicy,
    GovernmentAuthority,
    RequestedPerson,
    RequestEvent,
    l3_disclosure_fields,
)
from casework.outbox.models import OutboundMessage
from casework.people.models import Person
from casework.reminders.services import reminders_sweep, system_actor
from tests import factories
from tests.celery_worker import wait_for
from tests.outbox.test_email_delivery import parts, smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

D = date(2025, 6, 2)
L3_VALUES = ("Synthetic diabetes", "Block 4, tent 12", "Synthetic screening findings", "Synthetic child-protection")


def page_url(name: str, gov_request) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id])


def reads_of(captured) -> list[dict]:
    """The reading queries (PostgreSQL reads model choices through a server-side cursor: DECLARE)."""
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(
        country="FR", name="Ministère de l'Europe et des Affaires étrangères", language="fr", email="mfa@fr.example"
    )


def pending_person(org, request, **person_fields):
    """A person of `org` covered by `request`, with L3 data that must never leave, and a current facility."""
    person = factories.PersonFactory(
        organisation=org,
        health_notes="Synthetic diabetes",
        child_protection_notes="Synthetic child-protection notes",
        medical_urgent=True,
        **person_fields,
    )
    factories.CustodyPeriodFactory(person=person, exact_location="Block 4, tent 12")
    factories.NationalityClaimFactory(person=person, country="FR")
    factories.ScreeningFactory(person=person)
    factories.RequestedPersonFactory(request=request, person=person)
    return person


@pytest.fixture
def world(org_a, org_b, caseworker_a, authority):
    """Requests of A to the authority (sent, acknowledged), a draft one, one to another authority, and one of B."""
    sent = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    acknowledged = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, acknowledged=True)
    p1 = pending_person(org_a, sent, assigned_to=caseworker_a, given_name_lat="Amina", family_name_lat="Durand")
    p2 = pending_person(org_a, acknowledged, assigned_to=caseworker_a)
    decided = factories.PersonFactory(organisation=org_a)
    factories.RequestedPersonFactory(request=sent, person=decided, decision=Decision.ACCEPTED)
    closed = factories.PersonFactory(organisation=org_a, closed=True)
    factories.RequestedPersonFactory(request=sent, person=closed)
    draft_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
    not_sent = pending_person(org_a, draft_request)
    other_authority = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    other_request = factories.GovernmentRequestFactory(organisation=org_a, authority=other_authority, submitted=True)
    elsewhere = pending_person(org_a, other_request)
    request_b = factories.GovernmentRequestFactory(organisation=org_b, authority=authority, submitted=True)
    of_b = pending_person(org_b, request_b)
    return {
        "sent": sent,
        "acknowledged": acknowledged,
        "pending": [p1, p2],
        "excluded": [decided, closed, not_sent, elsewhere, of_b],
        "request_b": request_b,
    }


def draft_for(org, authority, actor):
    return services.followup_draft_for(authority=authority, organisation_id=org.pk, actor=actor)


def listed_persons(draft) -> set[int]:
    return set(draft.items.values_list("requested_person__person_id", flat=True))


def render(draft):
    return selectors.followup_render(selectors.followup_letter(followup=draft, today=D))


# --- The draft ----------------------------------------------------------------------------------


def test_draft_lists_only_the_pending_persons_of_that_authority_and_organisation(world, org_a, authority, caseworker_a):
    draft = draft_for(org_a, authority, caseworker_a)

    assert draft.status == FollowUpStatus.OPEN
    assert listed_persons(draft) == {p.pk for p in world["pending"]}


def test_refreshing_updates_the_one_open_draft(world, org_a, authority, caseworker_a, supervisor_a):
    first = draft_for(org_a, authority, caseworker_a)
    services.gov_request_record_decisions(
        gov_request=world["sent"],
        decisions={world["pending"][0]: Decision.REFUSED},
        decided_on=D,
        actor=supervisor_a,
    )

    second = draft_for(org_a, authority, caseworker_a)

    assert second.pk == first.pk
    assert listed_persons(second) == {world["pending"][1].pk}
    assert AuthorityFollowUp.objects.filter(organisation=org_a, authority=authority).count() == 1


def test_refreshing_when_nobody_is_pending_discards_the_draft(org_a, authority, caseworker_a, supervisor_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    person = pending_person(org_a, gov_request)
    draft = draft_for(org_a, authority, caseworker_a)
    services.gov_request_record_decisions(
        gov_request=gov_request, decisions={person: Decision.ACCEPTED}, decided_on=D, actor=supervisor_a
    )

    assert draft_for(org_a, authority, caseworker_a) is None
    draft.refresh_from_db()
    assert draft.status == FollowUpStatus.DISCARDED


def test_database_refuses_a_second_open_draft_for_the_same_authority(world, org_a, authority, caseworker_a):
    draft = draft_for(org_a, authority, caseworker_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AuthorityFollowUpFactory(organisation=org_a, authority=authority, refreshed_at=draft.refreshed_at)


def test_a_sent_draft_does_not_block_the_next_one(world, org_a, authority, caseworker_a):
    first = draft_for(org_a, authority, caseworker_a)
    AuthorityFollowUp.objects.filter(pk=first.pk).update(status=FollowUpStatus.SENT)

    second = draft_for(org_a, authority, caseworker_a)

    assert second.pk != first.pk


def test_caseworker_cannot_draft_for_another_organisation(world, org_b, authority, caseworker_a):
    with pytest.raises(PermissionDenied):
        draft_for(org_b, authority, caseworker_a)


# --- The disclosure policy ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["health_notes", "exact_location", "findings", "armed_group_link", "medical_urgent"])
def test_a_policy_with_a_highly_sensitive_field_is_refused(org_a, field):
    policy = DisclosurePolicy(organisation=org_a, country="FR", fields=["case_number", field])

    with pytest.raises(ValidationError) as error:
        policy.full_clean()

    assert "fields" in error.value.message_dict
    assert "Highly sensitive" in error.value.message_dict["fields"][0]


def test_a_policy_with_an_unknown_field_is_refused(org_a):
    policy = DisclosurePolicy(organisation=org_a, country="FR", fields=["religion"])

    with pytest.raises(ValidationError) as error:
        policy.full_clean()

    assert "Not a field that may be disclosed" in error.value.message_dict["fields"][0]


def test_a_policy_always_keeps_the_case_number_and_the_whitelist_order(org_a):
    policy = DisclosurePolicy(organisation=org_a, country="FR", fields=["sex", "names_latin"])

    policy.full_clean()

    assert policy.fields == ["case_number", "names_latin", "sex"]


def test_a_policy_names_a_state_or_an_authority_not_both(org_a, authority):
    policy = DisclosurePolicy(organisation=org_a, country="FR", authority=authority, fields=["case_number"])

    with pytest.raises(ValidationError) as error:
        policy.full_clean()

    assert "country" in error.value.message_dict


def test_no_whitelisted_field_reads_a_highly_sensitive_field():
    from django.apps import apps

    assert l3_disclosure_fields() == set()
    for model_label, field_names in DISCLOSURE_FIELD_SOURCES.values():
        assert not set(field_names) & sensitive_fields(apps.get_model(model_label))
    assert set(DISCLOSURE_FIELD_SOURCES) == set(DisclosureField.values)


def test_without_a_policy_the_default_fields_are_disclosed(org_a, authority):
    assert selectors.disclosure_policy_for(organisation_id=org_a.pk, authority=authority) == (
        list(DEFAULT_DISCLOSURE_FIELDS),
        "",
    )
    assert set(DEFAULT_DISCLOSURE_FIELDS) == {"case_number", "names_latin", "names_arabic", "birth_date", "sex"}


def test_the_authority_policy_wins_over_its_state_policy(org_a, org_b, authority):
    DisclosurePolicy.objects.create(organisation=org_a, country="FR", fields=["case_number", "sex"], basis="State")
    DisclosurePolicy.objects.create(organisation=org_a, authority=authority, fields=["case_number"], basis="MoU")
    DisclosurePolicy.objects.create(organisation=org_b, authority=authority, fields=["case_number", "names_latin"])

    assert selectors.disclosure_policy_for(organisation_id=org_a.pk, authority=authority) == (["case_number"], "MoU")
    other = factories.GovernmentAuthorityFactory(country="FR", name="Consulat général")
    assert selectors.disclosure_policy_for(organisation_id=org_a.pk, authority=other) == (
        ["case_number", "sex"],
        "State",
    )


def test_a_field_not_chosen_is_absent_from_the_letter(world, org_a, authority, caseworker_a):
    DisclosurePolicy.objects.create(organisation=org_a, authority=authority, fields=["case_number", "sex"])
    p1 = world["pending"][0]

    letter = render(draft_for(org_a, authority, caseworker_a))

    for body in (letter.text, letter.html):
        assert p1.case_number in body
        assert "Amina" not in body and "Durand" not in body
        assert p1.given_name_ar not in body
        assert "1995" not in body  # the date of birth
        assert "Sexe" in body


def test_every_whitelisted_field_and_still_no_highly_sensitive_data(world, org_a, authority, caseworker_a):
    DisclosurePolicy.objects.create(organisation=org_a, authority=authority, fields=list(DisclosureField.values))

    letter = render(draft_for(org_a, authority, caseworker_a))

    for body in (letter.subject, letter.text, letter.html):
        for value in L3_VALUES:
            assert value not in body
    assert "Amina Ahmed Durand" in letter.text
    assert world["sent"].reference in letter.text
    facility = world["pending"][0].custody_periods.get().facility
    assert facility.name in letter.text  # the facility's name is listed, never the exact location


# --- Language -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "greeting", "direction"),
    [
        ("fr", "Madame, Monsieur", 'dir="ltr"'),
        ("ar", "السيدات والسادة", 'dir="rtl"'),
        ("de", "Dear Sir or Madam", 'dir="ltr"'),
    ],
)
def test_the_letter_is_in_the_authority_language_or_english(
    world, org_a, authority, caseworker_a, language, greeting, direction
):
    authority.language = language
    authority.save()

    letter = render(draft_for(org_a, authority, caseworker_a))

    assert greeting in letter.text
    assert greeting in letter.html
    assert f'<html lang="{language if language != "de" else "en"}" {direction}>' in letter.html
    for person in world["pending"]:
        assert person.case_number in letter.text


def test_the_subject_carries_no_personal_data(world, org_a, authority, caseworker_a):
    letter = render(draft_for(org_a, authority, caseworker_a))

    assert letter.subject.startswith("ORGA")
    assert "2 personnes" in letter.subject
    for person in world["pending"]:
        assert person.case_number not in letter.subject
        assert person.given_name_lat not in letter.subject


# --- The follow-up page and sending it --------------------------------------------------------


@pytest.fixture
def draft(world, org_a, authority, caseworker_a):
    return draft_for(org_a, authority, caseworker_a)


def send_post(client, gov_request, draft_obj, digest=None):
    if digest is None:
        digest = render_digest(draft_obj)
    return client.post(
        page_url("request_followup_send", gov_request), {"followup": str(draft_obj.public_id), "digest": digest}
    )


def render_digest(draft_obj) -> str:
    return selectors.followup_render(selectors.followup_letter(followup=draft_obj)).digest


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


# Reads of the follow-up page: 1 session, 2 user, 3-4 permissions, 5 the request, 6 the open draft,
# 7 the last disclosure, 8 the policy, 9 the draft's rows with persons and requests (their claims and
# current facilities only when disclosed; the default policy discloses neither), 10 the persons the
# user may see, 11 whether the user sees every pending person (may refresh); then the session save
# (UPDATE + 2 transaction statements).
FOLLOWUP_READS = 11


@pytest.mark.parametrize("rows", [1, 6])
def test_follow_up_page_query_count_does_not_grow_with_persons(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, rows
):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    for _ in range(rows):
        pending_person(org_a, gov_request)
    draft_for(org_a, authority, caseworker_a)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(FOLLOWUP_READS + 3) as captured:
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


# --- Drafting many follow-ups at once (the sweep's set-based refresh) ---------------------------


def pending_row(org, authority):
    """A person of `org` pending with `authority` in a sent request (no other records: drafting reads none)."""
    gov_request = factories.GovernmentRequestFactory(organisation=org, authority=authority, submitted=True)
    return factories.RequestedPersonFactory(request=gov_request, person=factories.PersonFactory(organisation=org))


@pytest.fixture
def many_pairs(org_a, org_b, authority):
    """Pairs of every kind for one refresh, and pairs of the same organisations and authorities left out.

    - (A, FR): an open draft with a stale item (decided since) and a new pending person: refreshed;
    - (A, BE): pending persons, no draft: drafted;
    - (B, FR): an open draft whose only person is decided since: discarded;
    - (B, DE): nobody pending, no draft: nothing;
    - left out: (A, DE) with an open draft gone stale, and (B, BE) with a pending person.
    """
    system = system_actor()
    belgium = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    germany = factories.GovernmentAuthorityFactory(country="DE", name="Auswärtiges Amt")
    stale, kept = pending_row(org_a, authority), pending_row(org_a, authority)
    gone = pending_row(org_b, authority)
    left_out = pending_row(org_a, germany)
    for org, gov_authority in ((org_a, authority), (org_b, authority), (org_a, germany)):
        draft_for(org, gov_authority, system)
    RequestedPerson.objects.filter(pk__in=[stale.pk, gone.pk, left_out.pk]).update(decision=Decision.REFUSED)
    added = pending_row(org_a, authority)
    drafted = [pending_row(org_a, belgium), pending_row(org_a, belgium)]
    pending_row(org_b, belgium)
    a, b = org_a.pk, org_b.pk
    return {
        "pairs": [(a, authority.pk), (a, belgium.pk), (b, authority.pk), (b, germany.pk)],
        "existing": set(AuthorityFollowUp.objects.values_list("pk", flat=True)),
        # (organisation, authority, status, drafted before, closed by, rows listed) after the refresh.
        "expected": sorted(
            [
                (a, authority.pk, FollowUpStatus.OPEN, True, None, tuple(sorted([kept.pk, added.pk]))),
                (a, belgium.pk, FollowUpStatus.OPEN, False, None, tuple(sorted(row.pk for row in drafted))),
                (b, authority.pk, FollowUpStatus.DISCARDED, True, system.pk, (gone.pk,)),
                (a, germany.pk, FollowUpStatus.OPEN, True, None, (left_out.pk,)),
            ]
        ),
        # (action, actor, organisation, target (organisation, authority), data) of the refresh.
        "audit": [
            ("govrequests.followup.drafted", system.pk, a, (a, belgium.pk), {"rows": 2}),
            ("govrequests.followup.emptied", system.pk, b, (b, authority.pk), {}),
            ("govrequests.followup.refreshed", system.pk, a, (a, authority.pk), {"rows": 2}),
        ],
    }


def followups_now(*, existing: set[int], since_audit: int) -> tuple[list, list]:
    """Every follow-up (as in `many_pairs["expected"]`) and the audit events written after `since_audit`."""
    followups = {
        str(followup.public_id): followup
        for followup in AuthorityFollowUp.objects.prefetch_related("items").order_by("pk")
    }
    state = sorted(
        (
            followup.organisation_id,
            followup.authority_id,
            followup.status,
            followup.pk in existing,
            followup.closed_by_id,
            tuple(sorted(item.requested_person_id for item in followup.items.all())),
        )
        for followup in followups.values()
    )
    events = sorted(
        (
            event.action,
            event.actor_id,
            event.organisation_id,
            (followups[event.target_id].organisation_id, followups[event.target_id].authority_id),
            event.data,
        )
        for event in AuditEvent.objects.filter(pk__gt=since_audit, target_type__model="authorityfollowup")
    )
    assert AuditEvent.objects.filter(pk__gt=since_audit).count() == len(events)
    return state, events


def last_audit_event() -> int:
    return AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last()


def test_drafting_many_at_once_gives_the_drafts_items_and_audit_of_drafting_one_by_one(many_pairs):
    system = system_actor()
    since = last_audit_event()
    with transaction.atomic():
        for organisation_id, authority_id in many_pairs["pairs"]:
            authority = GovernmentAuthority.objects.get(pk=authority_id)
            services.followup_draft_for(authority=authority, organisation_id=organisation_id, actor=system)
        one_by_one = followups_now(existing=many_pairs["existing"], since_audit=since)
        transaction.set_rollback(True)
    since = last_audit_event()

    drafts = services.followup_drafts_refresh_many(pairs=many_pairs["pairs"], actor=system)

    at_once = followups_now(existing=many_pairs["existing"], since_audit=since)
    assert at_once == one_by_one
    assert at_once == (many_pairs["expected"], many_pairs["audit"])
    assert [draft is not None for draft in drafts.values()] == [True, True, False, False]


# Queries of one refresh, whatever the number of pairs: 1 the authorities locked, 2 the pending
# rows, 3 the open drafts locked, 4 their items, 5 the persons the actor sees (not for a superuser),
# then 6 the discarded drafts, 7 the refreshed drafts, 8 the new drafts, 9 the stale items deleted,
# 10 the new items, 11-13 one insert of audit events per kind (emptied, drafted, refreshed); plus
# the savepoint and its release.
FOLLOWUP_REFRESH_QUERIES = 13 + 2


@pytest.mark.parametrize("every_pair", [False, True])
@pytest.mark.parametrize("as_member", [False, True])
def test_drafting_many_at_once_takes_as_many_queries_for_one_pair_as_for_many(
    many_pairs, org_a, supervisor_a, django_assert_max_num_queries, every_pair, as_member
):
    pairs = many_pairs["pairs"] if every_pair else many_pairs["pairs"][:1]
    actor = supervisor_a if as_member else system_actor()
    if as_member:  # a member of organisation A drafts only for A
        pairs = [pair for pair in pairs if pair[0] == org_a.pk]

    with django_assert_max_num_queries(FOLLOWUP_REFRESH_QUERIES) as captured:
        drafts = services.followup_drafts_refresh_many(pairs=pairs, actor=actor)

    assert set(drafts) == set(pairs)
    if every_pair and not as_member:
        # Every branch ran (discarded, refreshed, drafted, stale items, new items, 3 kinds of audit event).
        assert len(captured) == FOLLOWUP_REFRESH_QUERIES - 1  # no scope query for the system actor


def test_drafting_many_at_once_is_refused_for_another_organisation(many_pairs, caseworker_a):
    with pytest.raises(PermissionDenied):
        services.followup_drafts_refresh_many(pairs=many_pairs["pairs"], actor=caseworker_a)

    assert not AuditEvent.objects.filter(actor=caseworker_a).exists()


def test_drafting_many_at_once_is_refused_when_one_listed_person_is_outside_the_caseload(
    org_a, authority, fieldworker_a
):
    belgium = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    seen = pending_row(org_a, authority)
    Person.objects.filter(pk=seen.person_id).update(assigned_to=fieldworker_a)
    pending_row(org_a, belgium)  # not assigned to the fieldworker

    with pytest.raises(PermissionDenied):
        services.followup_drafts_refresh_many(
            pairs=[(org_a.pk, authority.pk), (org_a.pk, belgium.pk)], actor=fieldworker_a
        )

    assert not AuthorityFollowUp.objects.exists()


def authority_lock_awaited() -> bool:
    """Whether another session waits on the lock of the authorities (a refresh blocked by another one)."""
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps the first reading of pg_stat_activity: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s",
            [f'SELECT "{GovernmentAuthority._meta.db_table}".%FOR UPDATE%'],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["caseworker", "sweep"])
def test_a_refresh_during_a_sweep_waits_and_never_makes_a_second_open_draft(second):
    org = factories.OrganisationFactory(code="CONC")
    caseworker = factories.UserFactory(username="concurrent", organisation=org, role=roles.CASEWORKER)
    authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministère (concurrence)")
    other = factories.GovernmentAuthorityFactory(country="BE", name="SPF (concurrence)")
    pending_row(org, authority)
    pending_row(org, other)
    pairs = [(org.pk, authority.pk), (org.pk, other.pk)]
    system = system_actor()  # created beforehand: its creation would serialise the two sessions too
    outcome: dict[str, object] = {}

    def refresh_meanwhile() -> None:
        try:
            if second == "caseworker":
                outcome["draft"] = services.followup_draft_for(
                    authority=authority, organisation_id=org.pk, actor=caseworker
                )
            else:
                outcome["draft"] = services.followup_drafts_refresh_many(pairs=pairs, actor=system)[pairs[0]]
        except Exception as exc:  # reported to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=refresh_meanwhile)
    with transaction.atomic():
        first = services.followup_drafts_refresh_many(pairs=pairs, actor=system)[pairs[0]]
        thread.start()
        # The second refresh is blocked on the authorities' lock until the first one commits.
        assert wait_for(authority_lock_awaited, timeout=10)
    thread.join(timeout=20)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["draft"].pk == first.pk
    assert AuthorityFollowUp.objects.filter(status=FollowUpStatus.OPEN).count() == 2
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "govrequests.followup.drafted",
        "govrequests.followup.drafted",
        "govrequests.followup.refreshed",
        *(["govrequests.followup.refreshed"] if second == "sweep" else []),
    ]


# --- Automatic drafting by the reminder sweep ---------------------------------------------------


def test_the_sweep_drafts_one_follow_up_per_unresponsive_authority(org_a, authority, default_rules):
    late = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=14)
    )
    also_late = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=14)
    )
    first, second = pending_person(org_a, late), pending_person(org_a, also_late)

    result = reminders_sweep(today=D)
    again = reminders_sweep(today=D)

    assert result.followups_drafted == 1
    assert again.followups_drafted == 0  # nothing fired again: the draft stays as it is
    draft_obj = AuthorityFollowUp.objects.get(organisation=org_a, authority=authority, status=FollowUpStatus.OPEN)
    assert listed_persons(draft_obj) == {first.pk, second.pk}


def test_the_sweep_drafts_nothing_before_a_rule_fires(org_a, authority, default_rules):
    recent = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=3)
    )
    pending_person(org_a, recent)

    result = reminders_sweep(today=D)

    assert result.followups_drafted == 0
    assert not AuthorityFollowUp.objects.exists()


def test_follow_up_page_with_every_field_disclosed_reads_claims_and_facilities_once(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries
):
    DisclosurePolicy.objects.create(organisation=org_a, authority=authority, fields=list(DisclosureField.values))
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    for _ in range(5):
        pending_person(org_a, gov_request)
    draft_for(org_a, authority, caseworker_a)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(FOLLOWUP_READS + 2 + 3) as captured:
        response = client.get(page_url("request_followup", gov_request))

    assert response.status_code == 200
    assert len(reads_of(captured)) == FOLLOWUP_READS + 2  # + the claims and the current facilities


# --- Admin ----------------------------------------------------------------------------------------


def test_admin_policy_form_refuses_a_highly_sensitive_field(client_for, orgadmin_a):
    response = client_for(orgadmin_a).post(
        reverse("admin:govrequests_disclosurepolicy_add"),
        {"country": "FR", "fields": ["case_number", "health_notes"], "basis": ""},
    )

    assert response.status_code == 200
    assert "fields" in response.context["adminform"].form.errors
    assert not DisclosurePolicy.objects.exists()


def test_organisation_admin_sets_a_policy_for_their_organisation(client_for, orgadmin_a, org_a):
    response = client_for(orgadmin_a).post(
        reverse("admin:govrequests_disclosurepolicy_add"),
        {"country": "FR", "fields": ["sex", "names_latin"], "basis": "Agreement of 2024"},
    )

    assert response.status_code == 302
    policy = DisclosurePolicy.objects.get()
    assert policy.organisation == org_a
    assert policy.fields == ["case_number", "names_latin", "sex"]


def test_the_disclosure_record_is_read_only_in_the_admin(client_for, caseworker_a, supervisor_a, world, draft):
    send_post(client_for(caseworker_a), world["sent"], draft)
    disclosure = Disclosure.objects.get()
    client = client_for(supervisor_a)
    change_url = reverse("admin:govrequests_disclosure_change", args=[disclosure.pk])

    page = client.get(change_url)
    post = client.post(change_url, {"to_email": "other@example.org"})
    delete = client.get(reverse("admin:govrequests_disclosure_delete", args=[disclosure.pk]))

    assert page.status_code == 200
    assert "mfa@fr.example" in page.content.decode()
    assert post.status_code == 403
    assert delete.status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.to_email == "mfa@fr.example"

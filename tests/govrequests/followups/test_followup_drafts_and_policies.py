"""Follow-up drafts (one open draft per organisation and authority), the disclosure policy and the letter's language."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from casework.core.sensitivity import sensitive_fields
from casework.govrequests import selectors, services
from casework.govrequests.choices import (
    DEFAULT_DISCLOSURE_FIELDS,
    DISCLOSURE_FIELD_SOURCES,
    Decision,
    DisclosureField,
    FollowUpStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    Disclosure,
    DisclosurePolicy,
    l3_disclosure_fields,
)
from tests import factories
from tests.govrequests.followups.helpers import (
    L3_VALUES,
    D,
    draft_for,
    listed_persons,
    pending_person,
    render,
    send_post,
)

pytestmark = pytest.mark.django_db


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

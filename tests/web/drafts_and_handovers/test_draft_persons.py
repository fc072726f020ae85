"""Adding persons to a draft request and removing them: search, scope, rights, bad input, a sent request."""

from datetime import date

import pytest

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.models import GovernmentRequest, RequestedPerson
from tests import factories
from tests.web.drafts_and_handovers.helpers import RS, covered_ids, url

pytestmark = pytest.mark.django_db


# --- Adding persons to a draft ------------------------------------------------------------------


def test_add_page_offers_the_household_members_not_yet_covered(client_for, caseworker_a, draft_a, household_a):
    response = client_for(caseworker_a).get(url("request_add_persons", draft_a))

    assert response.status_code == 200
    assert response.context["household"] == sorted(household_a[1:], key=lambda p: p.case_number)
    html = response.content.decode()
    for person in household_a[1:]:
        assert f'data-household="{person.case_number}"' in html
        # Offered, not ticked: nobody is added without the user ticking them.
        assert f'id="household-{person.public_id}">' in html


def test_caseworker_adds_a_mothers_children_to_her_draft(client_for, caseworker_a, draft_a, household_a):
    mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"persons": [str(yusuf.public_id), str(maryam.public_id)]}
    )

    assert response.status_code == 302
    assert response["Location"] == url("request_detail", draft_a)
    assert covered_ids(draft_a) == {mother.pk, yusuf.pk, maryam.pk}
    assert AuditEvent.objects.filter(action="govrequests.request.persons_added", actor=caseworker_a).exists()


def test_search_on_the_add_page_finds_visible_persons_only(client_for, caseworker_a, draft_a, org_a, org_b):
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")
    factories.PersonFactory(organisation=org_b, given_name_lat="Zaynab", family_name_lat="Martin")

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"action": "search", "q": "zaynab martin"}
    )

    assert response.context["results"] == [other]


def test_search_on_the_add_page_is_posted_keeps_the_ticks_and_adds_nothing(
    client_for, caseworker_a, draft_a, household_a, org_a
):
    earlier = factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")
    # A given name the factory never cycles through: its "Khadija" could be one of household_a, depending on the
    # order the tests ran in, and the matcher rightly lists a same-given-name person too.
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Zubayda", family_name_lat="Weber")
    ticked = [str(household_a[1].public_id), str(earlier.public_id)]

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"action": "search", "q": "zubayda weber", "persons": ticked}
    )

    assert response.status_code == 200
    assert response.context["results"] == [other]
    assert (household_a[1], True) in response.context["household_rows"]
    assert response.context["kept_rows"] == [(earlier, True)]
    assert list(draft_a.covered.values_list("person_id", flat=True)) == [household_a[0].pk]
    html = response.content.decode()
    assert 'name="action" value="search"' in html
    assert "?q=" not in html


def test_search_in_the_url_of_the_add_page_is_ignored(client_for, caseworker_a, draft_a, org_a):
    factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")

    response = client_for(caseworker_a).get(url("request_add_persons", draft_a), {"q": "zaynab martin"})

    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["query"] == ""
    assert "Zaynab" not in response.content.decode()


@pytest.mark.parametrize(
    ("persons", "message"),
    [([], "Choose at least one person."), (["not-a-uuid"], "is not a valid UUID")],
)
def test_bad_add_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, draft_a, household_a, persons, message
):
    response = client_for(caseworker_a).post(url("request_add_persons", draft_a), {"persons": persons})

    assert response.status_code == 200
    assert "persons" in response.context["form"].errors
    html = response.content.decode()
    assert message in html
    assert 'href="#id_persons"' in html and 'id="id_persons"' in html
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_person_of_another_organisation_cannot_be_added(client_for, caseworker_a, draft_a, household_a, person_b):
    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]}
    )

    assert "persons" in response.context["form"].errors
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_superuser_cannot_add_a_person_of_another_organisation(client_for, superuser, draft_a, household_a, person_b):
    response = client_for(superuser).post(url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]})

    assert "persons" in response.context["form"].errors
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_persons_cannot_be_added_once_the_request_was_sent(client_for, caseworker_a, draft_a, household_a):
    GovernmentRequest.objects.filter(pk=draft_a.pk).update(status=RS.SUBMITTED, submitted_on=date.today())
    client = client_for(caseworker_a)

    assert client.get(url("request_add_persons", draft_a)).status_code == 302
    response = client.post(
        url("request_add_persons", draft_a), {"persons": [str(household_a[1].public_id)]}, follow=True
    )

    assert "only be added or removed while the request is a draft" in response.content.decode()
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_auditor_cannot_add_persons(client_for, auditor_a, draft_a, household_a):
    client = client_for(auditor_a)

    assert client.get(url("request_add_persons", draft_a)).status_code == 403
    assert (
        client.post(url("request_add_persons", draft_a), {"persons": [str(household_a[1].public_id)]}).status_code
        == 403
    )
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_other_organisation_cannot_add_persons(client_for, caseworker_b, draft_a, household_a, person_b):
    client = client_for(caseworker_b)

    assert client.get(url("request_add_persons", draft_a)).status_code == 404
    assert client.post(url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]}).status_code == 404
    assert covered_ids(draft_a) == {household_a[0].pk}


# --- Removing a person from a draft -------------------------------------------------------------


def test_detail_of_a_draft_offers_add_and_remove(client_for, caseworker_a, family_draft, household_a):
    response = client_for(caseworker_a).get(url("request_detail", family_draft))

    assert response.context["can_edit_persons"]
    html = response.content.decode()
    assert url("request_add_persons", family_draft) in html
    for person in household_a[:3]:
        assert f'data-removable="{person.case_number}"' in html


def test_caseworker_removes_a_person_from_a_draft_and_it_is_recorded(
    client_for, caseworker_a, family_draft, household_a
):
    mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(
        url("request_remove_person", family_draft), {"person": str(maryam.public_id)}
    )

    assert response.status_code == 302
    assert covered_ids(family_draft) == {mother.pk, yusuf.pk}
    event = AuditEvent.objects.get(action="govrequests.request.person_removed")
    assert (event.actor, event.data) == (caseworker_a, {"person": str(maryam.public_id)})
    removal = RequestedPerson.history.filter(person_id=maryam.pk, history_type="-").get()
    assert removal.history_user == caseworker_a


def test_a_sent_request_offers_no_removal_and_refuses_one(client_for, caseworker_a, family_draft, household_a):
    GovernmentRequest.objects.filter(pk=family_draft.pk).update(status=RS.SUBMITTED, submitted_on=date.today())
    client = client_for(caseworker_a)

    detail = client.get(url("request_detail", family_draft))
    response = client.post(
        url("request_remove_person", family_draft), {"person": str(household_a[2].public_id)}, follow=True
    )

    assert not detail.context["can_edit_persons"]
    assert "data-removable" not in detail.content.decode()
    assert "only be removed while the request is a draft" in response.content.decode()
    assert len(covered_ids(family_draft)) == 3


def test_removing_a_person_not_covered_or_invisible_is_not_found(
    client_for, caseworker_a, fieldworker_a, family_draft, household_a
):
    assert (
        client_for(caseworker_a)
        .post(url("request_remove_person", family_draft), {"person": str(household_a[3].public_id)})
        .status_code
        == 404
    )
    assert (
        client_for(caseworker_a).post(url("request_remove_person", family_draft), {"person": "junk"}).status_code == 404
    )
    assert len(covered_ids(family_draft)) == 3


def test_assigned_only_caseworker_cannot_remove_a_colleagues_case(client_for, fieldworker_a, family_draft, household_a):
    mine = household_a[1]
    mine.assigned_to = fieldworker_a
    mine.save()
    client = client_for(fieldworker_a)

    refused = client.post(url("request_remove_person", family_draft), {"person": str(household_a[2].public_id)})
    allowed = client.post(url("request_remove_person", family_draft), {"person": str(mine.public_id)})

    assert refused.status_code == 404
    assert allowed.status_code == 302
    assert covered_ids(family_draft) == {household_a[0].pk, household_a[2].pk}


def test_auditor_and_other_organisation_cannot_remove(client_for, auditor_a, caseworker_b, family_draft, household_a):
    data = {"person": str(household_a[2].public_id)}

    assert client_for(auditor_a).post(url("request_remove_person", family_draft), data).status_code == 403
    assert client_for(caseworker_b).post(url("request_remove_person", family_draft), data).status_code == 404
    assert len(covered_ids(family_draft)) == 3


def test_remove_service_refuses_a_sent_request(caseworker_a, family_draft, household_a):
    GovernmentRequest.objects.filter(pk=family_draft.pk).update(status=RS.SUBMITTED, submitted_on=date.today())

    with pytest.raises(DomainError):
        services.gov_request_remove_person(gov_request=family_draft, person=household_a[1], actor=caseworker_a)
    assert len(covered_ids(family_draft)) == 3

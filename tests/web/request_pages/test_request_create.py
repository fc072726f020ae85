"""Drafting a government request: the persons offered and chosen, bad input, who may draft."""

import pytest

from casework.govrequests.models import GovernmentRequest
from tests import factories
from tests.web.request_pages.helpers import CREATE_URL, RS, url

pytestmark = pytest.mark.django_db


# --- Create -------------------------------------------------------------------------------------


def _create_data(authority, persons, **extra):
    return {
        "action": "create",
        "persons": [str(p.public_id) for p in persons],
        "authority": str(authority.public_id),
        "channel": "note_verbale",
        "notes": "Family of three.",
        **extra,
    }


def test_caseworker_drafts_a_request_for_a_family(client_for, caseworker_a, family_a, authority):
    response = client_for(caseworker_a).post(CREATE_URL, _create_data(authority, family_a))

    gov_request = GovernmentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request_detail", gov_request)
    assert gov_request.status == RS.DRAFT
    assert gov_request.channel == "note_verbale"
    assert set(gov_request.persons.all()) == set(family_a)
    assert gov_request.created_by == caseworker_a


def test_person_of_another_organisation_in_the_post_is_a_field_error(
    client_for, caseworker_a, family_a, person_b, authority
):
    response = client_for(caseworker_a).post(CREATE_URL, _create_data(authority, [*family_a, person_b]))

    assert response.status_code == 200
    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()
    assert person_b.case_number not in response.content.decode()


def test_assigned_only_caseworker_cannot_add_a_colleagues_case(client_for, fieldworker_a, org_a, family_a, authority):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)

    response = client_for(fieldworker_a).post(CREATE_URL, _create_data(authority, [mine, family_a[0]]))

    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons": []}, "persons"),
        ({"persons": ["not-a-uuid"]}, "persons"),
        ({"authority": ""}, "authority"),
        ({"authority": "00000000-0000-0000-0000-000000000000"}, "authority"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_create_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, family_a, authority, change, field
):
    response = client_for(caseworker_a).post(CREATE_URL, {**_create_data(authority, family_a), **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()
    assert 'id="error-summary"' in response.content.decode()


def test_inactive_authority_cannot_be_chosen(client_for, caseworker_a, family_a):
    closed = factories.GovernmentAuthorityFactory(country="BE", name="Old embassy", is_active=False)

    response = client_for(caseworker_a).post(CREATE_URL, _create_data(closed, family_a))

    assert "authority" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()


def test_auditor_cannot_create_a_request(client_for, auditor_a, family_a, authority):
    client = client_for(auditor_a)

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, _create_data(authority, family_a)).status_code == 403
    assert not GovernmentRequest.objects.exists()


def test_person_preselected_from_the_detail_page_is_ticked(client_for, caseworker_a, family_a, person_b):
    response = client_for(caseworker_a).get(
        CREATE_URL, {"person": [str(family_a[0].public_id), str(person_b.public_id), "junk"]}
    )

    assert response.status_code == 200
    assert response.context["chosen"] == [family_a[0]]
    html = response.content.decode()
    assert f'value="{family_a[0].public_id}" id="person-{family_a[0].public_id}" checked' in html
    assert person_b.case_number not in html


def test_person_search_lists_only_visible_persons(client_for, caseworker_a, family_a, org_b):
    factories.PersonFactory(organisation=org_b, given_name_lat="Amina", family_name_lat="Dupont")

    response = client_for(caseworker_a).post(CREATE_URL, {"action": "search", "q": "amina dupont"})

    assert response.context["results"] == [family_a[0]]
    assert not GovernmentRequest.objects.exists()


def test_search_in_the_url_of_the_create_page_is_ignored(client_for, caseworker_a, family_a):
    response = client_for(caseworker_a).get(CREATE_URL, {"q": "amina dupont", "person": str(family_a[1].public_id)})

    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["query"] == ""
    assert response.context["chosen"] == [family_a[1]]


def test_search_by_post_keeps_the_chosen_persons_and_saves_nothing(client_for, caseworker_a, family_a, authority):
    data = _create_data(authority, family_a[:1], action="search", q="maryam")

    response = client_for(caseworker_a).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["chosen"] == [family_a[0]]
    assert response.context["results"] == [family_a[2]]
    assert not GovernmentRequest.objects.exists()


def test_whole_household_helper_adds_the_household_members(client_for, caseworker_a, family_a, authority):
    data = _create_data(authority, family_a[:1], action="household")

    response = client_for(caseworker_a).post(CREATE_URL, data)

    assert {p.pk for p in response.context["chosen"]} == {p.pk for p in family_a}
    assert not GovernmentRequest.objects.exists()


def test_superuser_drafts_a_request_for_the_persons_organisation(client_for, superuser, family_a, authority, org_a):
    response = client_for(superuser).post(CREATE_URL, _create_data(authority, family_a))

    assert response.status_code == 302
    assert GovernmentRequest.objects.get().organisation == org_a


def test_superuser_cannot_mix_organisations_in_one_request(client_for, superuser, family_a, person_b, authority):
    response = client_for(superuser).post(CREATE_URL, _create_data(authority, [family_a[0], person_b]))

    assert "persons" in response.context["form"].errors
    assert not GovernmentRequest.objects.exists()

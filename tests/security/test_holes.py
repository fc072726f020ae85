"""Regression tests for the holes found by the security probe (issue 9), one section per hole."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


# --- 1. A logged-in user with no role reads nothing ------------------------------------------------


@pytest.fixture
def norole_a(org_a):
    return factories.UserFactory(username="norole_a", organisation=org_a)


def test_user_in_no_role_gets_an_empty_home_page_without_names(client, org_a, norole_a):
    person = factories.PersonFactory(organisation=org_a, assigned_to=norole_a)
    client.force_login(norole_a)

    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert person.case_number not in body
    assert "No case is assigned to you." in body


def test_user_in_no_role_cannot_read_a_person_of_their_organisation(client, org_a, norole_a):
    person = factories.PersonFactory(organisation=org_a, assigned_to=norole_a)
    client.force_login(norole_a)

    assert client.get(f"/persons/{person.public_id}/").status_code == 403
    assert client.get("/persons/").status_code == 403
    assert client.get(f"/persons/{person.public_id}/photo/").status_code == 403

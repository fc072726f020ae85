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


# --- 3. The admin's /r/<content type>/<pk>/ shortcut is no oracle -----------------------------------


def _shortcut(model, pk):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, pk])


def test_admin_shortcut_answers_404_for_another_organisations_record_and_a_missing_one_alike(
    client, supervisor_a, person_a, person_b
):
    from casework.people.models import Person

    client.force_login(supervisor_a)

    other = client.get(_shortcut(Person, person_b.pk))
    missing = client.get(_shortcut(Person, 10**6))
    own = client.get(_shortcut(Person, person_a.pk))

    assert other.status_code == missing.status_code == own.status_code == 404
    assert str(person_b.public_id) not in other.get("Location", "")


def test_admin_change_form_links_to_the_records_page_without_the_shortcut(client, supervisor_a, person_a):
    from django.urls import reverse

    client.force_login(supervisor_a)

    response = client.get(reverse("admin:people_person_change", args=[person_a.pk]))

    assert response.status_code == 200
    assert person_a.get_absolute_url() in response.content.decode()
    assert "/r/" not in response.content.decode()


# --- 6. Bad input in the admin answers 4xx or the "invalid filter" redirect, never 500 ---------------

TOO_BIG = str(2**63)  # one beyond the largest 64-bit integer


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/person/?facility=" + TOO_BIG,
        "/admin/people/custodyperiod/?facility__id__exact=" + TOO_BIG,
        "/admin/camps/facilitysection/?facility__id__exact=" + TOO_BIG,
        "/admin/core/auditevent/?actor=" + TOO_BIG,
        "/admin/core/auditevent/?data__contains=x",
        "/admin/people/person/?assigned_to__id__exact=" + TOO_BIG,
        "/admin/people/person/?id=" + TOO_BIG,
        "/admin/govrequests/governmentrequest/?acknowledged_on__year=0",  # found by the fuzz (test_fuzz.py)
    ],
)
def test_admin_changelist_with_an_impossible_filter_value_is_no_server_error(client, superuser, url):
    client.force_login(superuser)

    response = client.get(url)

    # An empty list, the "invalid filter" redirect or a 400: a value no row can have is no server error.
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_admin_history_of_a_non_numeric_version_is_404(client, superuser, person_a):
    client.force_login(superuser)

    response = client.get(f"/admin/people/person/{person_a.pk}/history/abc/")

    assert response.status_code == 404


def test_admin_change_page_of_a_too_big_id_is_the_missing_record_redirect(client, superuser):
    client.force_login(superuser)

    response = client.get(f"/admin/people/person/{TOO_BIG}/change/")

    assert response.status_code in (302, 404)


# --- 7. Assigned-only users learn nothing about cases outside their caseload -----------------------


def test_request_admin_search_by_case_number_finds_no_request_through_a_case_outside_the_caseload(
    client_for, org_a, fieldworker_a, caseworker_a
):
    from django.urls import reverse

    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    other = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=mine)
    factories.RequestedPersonFactory(request=gov_request, person=other)
    client = client_for(fieldworker_a)
    url = reverse("admin:govrequests_governmentrequest_changelist")

    by_other = client.get(url, {"q": other.case_number}).context["cl"].result_list
    by_mine = client.get(url, {"q": mine.case_number}).context["cl"].result_list

    assert list(by_other) == []
    assert list(by_mine) == [gov_request]

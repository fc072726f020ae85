"""The organisation's second-factor setting: required for everyone by default; when an organisation turns it
off, only users with no rights beyond their caseload log in with the password alone. Staff, organisation
admins, L3 holders and users who enrolled a factor always give one; turning the setting on again applies
to sessions already open."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from casework.accounts import roles, twofactor
from casework.core.models import AuditEvent
from tests import factories
from tests.security.test_second_factor import enrolled, password_step

pytestmark = pytest.mark.django_db


def _sends_to_the_second_factor(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))


@pytest.fixture
def relaxed_org(org_a):
    org_a.require_second_factor_for_all = False
    org_a.save(update_fields=["require_second_factor_for_all"])
    return org_a


@pytest.fixture
def plain_caseworker(org_a):
    """A caseworker without admin access (not staff), the only kind of user the setting may spare."""
    return factories.UserFactory(username="plain_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=False)


def test_by_default_every_user_of_an_organisation_gives_a_second_factor(client, plain_caseworker):
    assert plain_caseworker.organisation.require_second_factor_for_all is True
    password_step(client, plain_caseworker)

    assert _sends_to_the_second_factor(client.get("/persons/"))


def test_an_organisation_that_turns_it_off_spares_users_without_rights(client, relaxed_org, plain_caseworker):
    password_step(client, plain_caseworker)

    assert client.get("/persons/").status_code == 200
    # The profile offers to set one up anyway.
    assert 'id="second-factor-missing"' in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize(
    "rights", ["staff", "organisation_admin", "sensitive", "sensitive_through_a_group", "enrolled"]
)
def test_users_with_rights_or_a_factor_of_their_own_always_give_it(client, relaxed_org, rights):
    user = factories.UserFactory(
        username=f"u_{rights}", organisation=relaxed_org, role=roles.CASEWORKER, is_staff=rights == "staff"
    )
    if rights == "organisation_admin":
        user.groups.add(Group.objects.get(name=roles.ORGANISATION_ADMIN))
    elif rights == "sensitive":
        user.user_permissions.add(Permission.objects.get(codename="view_sensitive_data"))
    elif rights == "sensitive_through_a_group":
        group = Group.objects.create(name="l3-readers")
        group.permissions.add(Permission.objects.get(codename="view_sensitive_data"))
        user.groups.add(group)
    elif rights == "enrolled":
        enrolled(user)
    password_step(client, user)

    assert _sends_to_the_second_factor(client.get("/persons/"))
    assert twofactor.is_required(user)


def test_superusers_always_give_it(superuser):
    assert twofactor.is_required(superuser)


def test_turning_it_on_again_applies_to_sessions_already_open(client, relaxed_org, plain_caseworker):
    password_step(client, plain_caseworker)
    assert client.get("/persons/").status_code == 200

    relaxed_org.require_second_factor_for_all = True
    relaxed_org.save(update_fields=["require_second_factor_for_all"])

    assert _sends_to_the_second_factor(client.get("/persons/"))


def test_a_grant_of_l3_applies_to_a_session_already_open(client, relaxed_org, plain_caseworker):
    password_step(client, plain_caseworker)
    assert client.get("/persons/").status_code == 200

    plain_caseworker.user_permissions.add(Permission.objects.get(codename="view_sensitive_data"))

    assert _sends_to_the_second_factor(client.get("/persons/"))


def test_an_organisation_admin_changes_it_in_the_admin_and_it_is_audited(client_for, orgadmin_a, org_a):
    client = client_for(orgadmin_a)
    url = reverse("admin:accounts_organisation_change", args=[org_a.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.pop("require_second_factor_for_all")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else None
    org_a.refresh_from_db()
    assert org_a.require_second_factor_for_all is False
    event = AuditEvent.objects.get(action="accounts.organisation.second_factor_policy_changed")
    assert (event.actor, event.data) == (orgadmin_a, {"required_for_all": False})


def test_another_organisations_admin_cannot_change_it(client_for, org_a, org_b):
    admin_b = factories.UserFactory(username="orgadmin_b", organisation=org_b, role=roles.ORGANISATION_ADMIN)
    client = client_for(admin_b)

    response = client.post(
        reverse("admin:accounts_organisation_change", args=[org_a.pk]),
        {"name": org_a.name, "kind": org_a.kind, "language": "en"},
    )

    assert response.status_code in (302, 404)
    org_a.refresh_from_db()
    assert org_a.require_second_factor_for_all is True
    assert not AuditEvent.objects.filter(action="accounts.organisation.second_factor_policy_changed").exists()


def test_a_caseworker_cannot_change_it(client_for, caseworker_a, org_a):
    response = client_for(caseworker_a).post(
        reverse("admin:accounts_organisation_change", args=[org_a.pk]), {"name": org_a.name}
    )

    assert response.status_code in (302, 403)
    org_a.refresh_from_db()
    assert org_a.require_second_factor_for_all is True


def test_the_check_costs_one_query(relaxed_org, plain_caseworker, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert twofactor.is_required(plain_caseworker) is False

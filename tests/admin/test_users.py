"""Organisation admins manage the users of their organisation, with role groups only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from casework.accounts import roles
from casework.accounts.models import User

from .utils import changeform_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_user_add")


def _change(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_an_organisation_admin_adds_users_to_their_own_organisation(client_for, orgadmin_a, org_a, org_b):
    client = client_for(orgadmin_a)

    response = client.post(
        ADD,
        {
            "username": "new_caseworker",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
            "organisation": org_b.pk,
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert User.objects.get(username="new_caseworker").organisation == org_a


def test_an_organisation_admin_cannot_grant_superuser_or_single_permissions(client_for, orgadmin_a, caseworker_a):
    client = client_for(orgadmin_a)
    data = changeform_data(client.get(_change(caseworker_a)))
    sensitive = Permission.objects.get(codename="view_sensitive_data")
    data.update({"is_superuser": "on", "user_permissions": [str(sensitive.pk)]})

    response = client.post(_change(caseworker_a), data)

    assert response.status_code == 302
    caseworker_a.refresh_from_db()
    assert not caseworker_a.is_superuser
    assert not caseworker_a.user_permissions.exists()


def test_an_organisation_admin_assigns_role_groups_only(client_for, orgadmin_a, caseworker_a):
    client = client_for(orgadmin_a)
    other_group = Group.objects.create(name="shadow admins")
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    data = changeform_data(client.get(_change(caseworker_a)))

    refused = client.post(_change(caseworker_a), {**data, "groups": [str(other_group.pk)]})
    accepted = client.post(_change(caseworker_a), {**data, "groups": [str(supervisor.pk)]})

    assert refused.status_code == 200 and "groups" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert list(caseworker_a.groups.all()) == [supervisor]


def test_users_of_another_organisation_are_out_of_reach(client_for, orgadmin_a, caseworker_b):
    client = client_for(orgadmin_a)

    listed = client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_list
    password_page = client.get(reverse("admin:auth_user_password_change", args=[caseworker_b.pk]))

    assert caseworker_b not in listed
    assert client.get(_change(caseworker_b)).status_code == 302
    assert password_page.status_code in (302, 404)


def test_a_superuser_must_choose_an_organisation_for_a_new_user(client_for, superuser):
    response = client_for(superuser).post(
        ADD,
        {
            "username": "orphan",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
        },
    )

    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors


def test_an_organisation_admin_changes_their_organisation_but_not_its_code(client_for, orgadmin_a, org_a, org_b):
    client = client_for(orgadmin_a)
    url = reverse("admin:accounts_organisation_change", args=[org_a.pk])
    data = changeform_data(client.get(url))
    data.update({"name": "Relief Org A (renamed)", "code": "HACK"})

    response = client.post(url, data)

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.name, org_a.code) == ("Relief Org A (renamed)", "ORGA")
    assert client.get(reverse("admin:accounts_organisation_change", args=[org_b.pk])).status_code == 302
    assert list(client.get(reverse("admin:accounts_organisation_changelist")).context["cl"].result_list) == [org_a]

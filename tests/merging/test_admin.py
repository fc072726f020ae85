"""The merges in the admin: read-only, scoped to the user's organisation, never the row snapshot."""

import pytest
from django.urls import reverse

from tests import factories
from tests.merging.conftest import merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def merges(org_a, org_b, merger_a, supervisor_b):
    own = merge(factories.PersonFactory(organisation=org_a), factories.PersonFactory(organisation=org_a), merger_a)
    other = merge(
        factories.PersonFactory(organisation=org_b), factories.PersonFactory(organisation=org_b), supervisor_b
    )
    return own, other


def test_the_changelist_lists_only_the_users_organisation(client_for, supervisor_a, merges):
    own, _other = merges
    response = client_for(supervisor_a).get(reverse("admin:merging_personmerge_changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {own}


def test_another_organisations_merge_answers_like_a_missing_one(client_for, supervisor_a, merges):
    _own, other = merges
    response = client_for(supervisor_a).get(reverse("admin:merging_personmerge_change", args=[other.pk]))
    assert response.status_code == 302  # the admin's "doesn't exist" redirect


def test_the_merge_is_read_only_and_hides_the_snapshot(client_for, supervisor_a, merges):
    own, _other = merges
    response = client_for(supervisor_a).get(reverse("admin:merging_personmerge_change", args=[own.pk]))
    assert response.status_code == 200
    assert "changes" not in response.context["adminform"].form.fields
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]

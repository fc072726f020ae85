"""Hole 7 (part): an assigned-only user sees no metadata of a follow-up draft that lists cases outside their caseload."""

import pytest
from django.utils import formats, timezone

from casework.people.models import Person
from tests.govrequests.followups.fixtures import authority, draft, world  # noqa: F401  (fixtures)
from tests.govrequests.followups.helpers import page_url

pytestmark = pytest.mark.django_db


def test_assigned_only_user_sees_neither_the_drafts_id_nor_its_date_nor_how_many_others_it_lists(
    client_for,
    fieldworker_a,
    world,  # noqa: F811
    draft,  # noqa: F811
):
    Person.objects.filter(pk=world["pending"][0].pk).update(assigned_to=fieldworker_a)

    page = client_for(fieldworker_a).get(page_url("request_followup", world["sent"]))

    html = page.content.decode()
    assert page.status_code == 200
    assert world["pending"][0].case_number in html  # their own person is listed
    assert str(draft.public_id) not in html
    refreshed = formats.date_format(timezone.localtime(draft.refreshed_at), "SHORT_DATETIME_FORMAT")
    assert refreshed not in html
    assert "also lists 1 person" not in html
    assert "also lists persons outside your caseload" in html

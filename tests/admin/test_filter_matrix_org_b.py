"""The admin's filter-by-filter access matrix seen from organisation B (test_filter_matrix.py covers A's roles):
every choice of every filter and a search, for B's supervisor, auditor, organisation admin and assigned-only
fieldworker, shows nothing of organisation A (nor, to the fieldworker, B's case outside their caseload)."""

import pytest
from django.urls import reverse

from casework.accounts import roles
from casework.people.models import Person
from casework.reminders.models import Reminder
from tests import factories
from tests.admin.test_filter_matrix import _changelists, _leaks

pytestmark = pytest.mark.django_db

# Marks of organisation A's records in tests/admin/conftest.py (its users' names too), and of a case of B
# assigned to nobody.
FOREIGN = (
    "ORGA-900001",
    "ORGA-900002",
    "ORGA-REQ-1",
    "ORGA-event",
    "caseworker_a",
    "fieldworker_a",
    "Relief Org A",
)
UNASSIGNED = "ORGB-900777"


@pytest.fixture
def auditor_b(org_b):
    return factories.UserFactory(username="auditor_b", organisation=org_b, role=roles.AUDITOR)


@pytest.fixture
def orgadmin_b(org_b):
    return factories.UserFactory(username="orgadmin_b", organisation=org_b, role=roles.ORGANISATION_ADMIN)


@pytest.fixture
def fieldworker_b(org_b, world):
    """B's assigned-only caseworker, to whom B's case of `world` (and its sibling and reminder) is assigned."""
    user = factories.UserFactory(
        username="fieldworker_b", organisation=org_b, role=roles.CASEWORKER, sees_assigned_only=True
    )
    Person.objects.filter(organisation=org_b).update(assigned_to=user)
    Reminder.objects.filter(organisation=org_b).update(recipient=user)
    return user


@pytest.mark.parametrize("role", ["supervisor_b", "auditor_b", "orgadmin_b", "fieldworker_b"])
def test_no_filter_choice_or_search_of_any_changelist_shows_organisation_a(role, request, world, client, org_b):
    user = request.getfixturevalue(role)
    factories.PersonFactory(organisation=org_b, case_number=UNASSIGNED)
    marks = FOREIGN + ((UNASSIGNED,) if user.sees_assigned_only else ())
    client.force_login(user)
    failures: list[str] = []
    seen_own = False
    for url_name, _model in _changelists(user):
        url = reverse(url_name)
        response = client.get(url)
        assert response.status_code == 200, (url_name, response.status_code)
        html = response.content.decode()
        failures += [f"{url_name}: {mark}" for mark in _leaks(html, marks)]
        seen_own = seen_own or "ORGB-900001" in html
        changelist = response.context["cl"]
        queries = {choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
        if changelist.search_fields:
            # Not the whole mark: the search box shows the text searched.
            queries |= {"?q=ORGA", "?q=900777", "?q=900001"}
        for query in sorted(queries):
            page = client.get(url + query)
            assert page.status_code < 500, (url_name, query)
            if page.status_code == 200:
                failures += [f"{url_name}{query}: {mark}" for mark in _leaks(page.content.decode(), marks)]
    assert not failures, "\n".join(failures)
    # The walk reached B's own records: a scope that showed nothing at all would pass the check above.
    assert seen_own

"""The admin's filter-by-filter access matrix seen from organisation B (test_filter_matrix.py covers A's roles):
every choice of every filter and a search, for B's supervisor, auditor, organisation admin and assigned-only
fieldworker, shows nothing of organisation A (nor, to the fieldworker, B's case outside their caseload)."""

import pytest

from casework.accounts import roles
from casework.people.models import Person
from casework.reminders.models import Reminder
from tests import factories
from tests.admin.test_filter_matrix import _walk

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
    # Not the whole mark: the search box shows the text searched.
    failures, pages = _walk(client, user, marks, searches=("?q=ORGA", "?q=900777", "?q=900001"))
    assert not failures, "\n".join(failures)
    # The walk reached B's own records: a scope that showed nothing at all would pass the check above.
    assert any("ORGB-900001" in html for html in pages)

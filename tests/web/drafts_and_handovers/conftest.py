"""Fixtures of the draft and handover page tests: a household, a draft, an accepted request, a planned handover."""

import pytest
from django.utils import timezone

from casework.govrequests import services
from casework.govrequests.choices import Decision
from tests import factories
from tests.web.drafts_and_handovers.helpers import RS


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")


@pytest.fixture
def household_a(org_a, caseworker_a):
    """A mother, her two children and her sister, all of organisation A, in one household."""
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(
        organisation=org_a, assigned_to=caseworker_a, household=household, given_name_lat="Amina"
    )
    children = [
        factories.PersonFactory(organisation=org_a, household=household, child=True, given_name_lat=name)
        for name in ("Yusuf", "Maryam")
    ]
    aunt = factories.PersonFactory(organisation=org_a, household=household, given_name_lat="Khadija")
    return [mother, *children, aunt]


@pytest.fixture
def draft_a(caseworker_a, household_a, authority):
    """A draft covering the mother only."""
    return services.gov_request_create(authority=authority, persons=household_a[:1], actor=caseworker_a)


@pytest.fixture
def accepted_request(supervisor_a, household_a, authority):
    """A request for the mother and her two children; the children accepted, the mother refused."""
    mother, yusuf, maryam, _aunt = household_a
    gov_request = services.gov_request_create(authority=authority, persons=[mother, yusuf, maryam], actor=supervisor_a)
    services.gov_request_transition(gov_request=gov_request, to=RS.SUBMITTED, actor=supervisor_a)
    services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions={mother: Decision.REFUSED, yusuf: Decision.ACCEPTED, maryam: Decision.ACCEPTED},
        decided_on=timezone.localdate(),
        actor=supervisor_a,
    )
    gov_request.refresh_from_db()
    assert gov_request.status == RS.PARTIALLY_ACCEPTED
    return gov_request


@pytest.fixture
def planned(supervisor_a, accepted_request, household_a):
    return services.handover_plan(
        gov_request=accepted_request,
        persons=household_a[1:3],
        planned_on=timezone.localdate(),
        place="Semalka crossing",
        actor=supervisor_a,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def family_draft(caseworker_a, household_a, authority):
    return services.gov_request_create(authority=authority, persons=household_a[:3], actor=caseworker_a)

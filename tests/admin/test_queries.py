"""Changelists run a fixed number of queries, whatever the number of rows (no query per row).

Each changelist is measured with 5 rows and with 30 rows: the counts must be equal, and at most the
pinned maximum (see CHANGELISTS for what the queries are).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts import roles
from casework.core.models import AuditEvent
from casework.govrequests.models import RequestStatusChange
from casework.people.models import PersonStatusChange
from tests import factories

pytestmark = pytest.mark.django_db

COUNTRIES = ["FR", "DE", "RU", "MA", "ID"]


class Data:
    """What the builders share: the organisation, a few caseworkers, facilities and authorities."""

    def __init__(self, org):
        self.org = org
        self.users = [factories.UserFactory(organisation=org, role=roles.CASEWORKER) for _ in range(3)]
        self.facilities = [factories.FacilityFactory() for _ in range(3)]
        self.sections = [factories.FacilitySectionFactory(facility=f) for f in self.facilities]
        self.authorities = [factories.GovernmentAuthorityFactory(country=c, name=f"MFA {c}") for c in COUNTRIES]
        self.counter = 0

    def person(self):
        self.counter += 1
        i = self.counter
        return factories.PersonFactory(organisation=self.org, assigned_to=self.users[i % 3])

    def request(self):
        self.counter += 1
        return factories.GovernmentRequestFactory(
            organisation=self.org, authority=self.authorities[self.counter % 5], submitted=True
        )


def build_person(d):
    person = d.person()
    factories.NationalityClaimFactory(person=person, country=COUNTRIES[d.counter % 5])
    factories.CustodyPeriodFactory(person=person, facility=d.facilities[d.counter % 3])
    factories.AliasFactory(person=person)


def build_custody(d):
    i = d.counter % 3
    factories.CustodyPeriodFactory(person=d.person(), facility=d.facilities[i], section=d.sections[i])


def build_request(d):
    gov_request = d.request()
    factories.RequestedPersonFactory(request=gov_request, person=d.person())
    factories.RequestedPersonFactory(request=gov_request, person=d.person())


def build_handover(d):
    gov_request = d.request()
    operation = factories.HandoverOperationFactory(organisation=d.org, request=gov_request)
    factories.HandoverPersonFactory(operation=operation, person=d.person())


def build_event(d):
    factories.RequestEventFactory(request=d.request())


def build_request_status_change(d):
    RequestStatusChange.objects.create(
        request=d.request(), old_status="draft", new_status="submitted", actor=d.users[d.counter % 3]
    )


def build_person_status_change(d):
    PersonStatusChange.objects.create(
        person=d.person(), old_status="registered", new_status="on_hold", actor=d.users[d.counter % 3]
    )


def build_audit_event(d):
    person = d.person()
    AuditEvent.objects.create(
        organisation_id=d.org.pk, actor=d.users[d.counter % 3], action="test.read", target_id=str(person.public_id)
    )


def build_claim(d):
    factories.NationalityClaimFactory(person=d.person(), country=COUNTRIES[d.counter % 5])


def build_screening(d):
    factories.ScreeningFactory(
        person=d.person(),
        facility=d.facilities[d.counter % 3],
        authority=factories.ControllingAuthorityFactory(name=f"Authority {d.counter % 2}"),
        recorded_by=d.users[d.counter % 3],
    )


def build_household(d):
    household = factories.HouseholdFactory(organisation=d.org)
    person = d.person()
    person.household = household
    person.save()


def build_user(d):
    factories.UserFactory(organisation=d.org, role=roles.CASEWORKER)


def build_authority(d):
    d.counter += 1
    factories.GovernmentAuthorityFactory(country=COUNTRIES[d.counter % 5], name=f"Embassy {d.counter}")


def build_facility(d):
    facility = factories.FacilityFactory()
    factories.FacilityControlPeriodFactory(facility=facility)


# changelist → (builder, pinned queries for an organisation admin, for a superuser).
# Every page: session, user, the user's own and group permissions (not for superusers), the row
# count and the unfiltered count, the rows, and the session save (savepoint, update, release).
# The Person changelist adds the nationality, facility and caseworker filter choices and the date
# hierarchy's range and days (and the organisation filter for superusers): 16 and 15 queries.
# Changelists of persons and of records about a person add the read log's one INSERT of the rows shown.
CHANGELISTS = {
    "people_person": (build_person, 16, 15),
    "people_custodyperiod": (build_custody, 14, 12),
    "people_nationalityclaim": (build_claim, 12, 10),
    "people_identitydocument": (lambda d: factories.IdentityDocumentFactory(person=d.person()), 11, 9),
    "people_dnatest": (lambda d: factories.DnaTestFactory(person=d.person()), 11, 9),
    "people_assessment": (lambda d: factories.AssessmentFactory(person=d.person()), 11, 9),
    "people_household": (build_household, 10, 8),
    "people_personstatuschange": (build_person_status_change, 13, 11),
    "screenings_screening": (build_screening, 15, 13),
    "govrequests_governmentrequest": (build_request, 14, 13),
    "govrequests_handoveroperation": (build_handover, 13, 11),
    "govrequests_requestevent": (build_event, 12, 10),
    "govrequests_requeststatuschange": (build_request_status_change, 12, 10),
    "govrequests_governmentauthority": (build_authority, 11, 9),
    "core_auditevent": (build_audit_event, 13, 11),
    "accounts_user": (build_user, 11, 10),
    "camps_facility": (build_facility, 11, 9),
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


# Superusers get extra columns (organisation) on these lists: measured for them too.
SUPERUSER_COLUMNS = ["people_person", "people_household", "govrequests_governmentrequest", "core_auditevent"]


@pytest.mark.parametrize(
    ("changelist", "role"),
    [(c, "orgadmin_a") for c in CHANGELISTS] + [(c, "superuser") for c in SUPERUSER_COLUMNS],
)
def test_changelist_queries_do_not_grow_with_rows(changelist, role, request, org_a, client):
    builder, orgadmin_max, superuser_max = CHANGELISTS[changelist]
    user = request.getfixturevalue(role)
    client.force_login(user)
    data = Data(org_a)
    url = reverse(f"admin:{changelist}_changelist")
    for _ in range(5):
        builder(data)
    client.get(url)  # warm caches shared by every request (content types, site)
    few, response = _count(client, url)
    rows_before = len(response.context["cl"].result_list)
    for _ in range(25):
        builder(data)

    many, response = _count(client, url)

    assert len(response.context["cl"].result_list) >= rows_before + 25
    assert few == many
    assert many <= (superuser_max if role == "superuser" else orgadmin_max)

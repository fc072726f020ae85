"""A merge and a write that puts the merged record on a request at the same moment: the write must not leave
a request covering the tombstone (the survivor would not show it, and an unmerge does not know it)."""

import pytest

from casework.accounts import roles
from casework.govrequests import services as request_services
from casework.govrequests.models import RequestedPerson
from tests import factories
from tests.merging.during_merge import run_during_merge


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
def test_adding_the_merged_record_to_a_request_during_the_merge_does_not_land_on_the_tombstone():
    org = factories.OrganisationFactory(code="MRGC")
    merger = factories.UserFactory(username="merger_c", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    caseworker = factories.UserFactory(username="caseworker_c", organisation=org, role=roles.CASEWORKER)
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    other = factories.PersonFactory(organisation=org, given_name_lat="Aminah")
    draft = factories.GovernmentRequestFactory(organisation=org)
    outcome = run_during_merge(
        survivor=survivor,
        other=other,
        merger=merger,
        write=lambda: request_services.gov_request_add_persons(gov_request=draft, persons=[other], actor=caseworker),
    )
    assert not RequestedPerson.objects.filter(person=other).exists(), outcome

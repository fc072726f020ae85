"""A merge and a write that puts the merged record on a request at the same moment: the write must not leave
a request covering the tombstone (the survivor would not show it, and an unmerge does not know it)."""

import threading

import pytest
from django.db import connection, transaction

from casework.accounts import roles
from casework.govrequests import services as request_services
from casework.govrequests.models import RequestedPerson
from casework.merging import services
from tests import factories
from tests.celery_worker import wait_for


def a_session_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps the first reading of pg_stat_activity: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
def test_adding_the_merged_record_to_a_request_during_the_merge_does_not_land_on_the_tombstone():
    org = factories.OrganisationFactory(code="MRGC")
    merger = factories.UserFactory(username="merger_c", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    caseworker = factories.UserFactory(username="caseworker_c", organisation=org, role=roles.CASEWORKER)
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    other = factories.PersonFactory(organisation=org, given_name_lat="Aminah")
    draft = factories.GovernmentRequestFactory(organisation=org)
    outcome: dict[str, object] = {}

    def add_meanwhile() -> None:
        try:
            outcome["added"] = request_services.gov_request_add_persons(
                gov_request=draft, persons=[other], actor=caseworker
            )
        except Exception as exc:  # reported to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=add_meanwhile)
    with transaction.atomic():
        services.person_merge(
            survivor=survivor,
            other=other,
            actor=merger,
            survivor_version=survivor.updated_at,
            other_version=other.updated_at,
        )
        thread.start()
        # The addition waits on the merged record's row lock until the merge commits.
        assert wait_for(a_session_waits_on_a_lock, timeout=10)
    thread.join(timeout=20)

    assert not thread.is_alive()
    assert not RequestedPerson.objects.filter(person=other).exists(), outcome

"""A follow-up sent while one of its persons is being merged: the disclosure must not name the merged record's
tombstone (the survivor's page would not list it; the record of who was disclosed would point nowhere useful)."""

import threading

import pytest
from django.db import connection, transaction

from casework.accounts import roles
from casework.govrequests import services
from casework.govrequests.models import DisclosedPerson
from casework.merging import services as merging_services
from tests import factories
from tests.celery_worker import wait_for
from tests.govrequests.followups.helpers import draft_for, pending_person, render_digest


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
def test_a_follow_up_sent_during_a_merge_of_its_person_does_not_disclose_the_tombstone():
    org = factories.OrganisationFactory(code="FUMG")
    merger = factories.UserFactory(username="merger_f", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    sender = factories.UserFactory(username="sender_f", organisation=org, role=roles.CASEWORKER)
    authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministère (fusion)", email="mfa@fr.example")
    sent = factories.GovernmentRequestFactory(organisation=org, authority=authority, submitted=True)
    other = pending_person(org, sent, given_name_lat="Aminah")
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    draft = draft_for(org, authority, sender)
    digest = render_digest(draft)
    outcome: dict[str, object] = {}

    def send_meanwhile() -> None:
        try:
            outcome["sent"] = services.followup_send(followup=draft, actor=sender, reviewed_digest=digest)
        except Exception as exc:  # reported to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=send_meanwhile)
    with transaction.atomic():
        merging_services.person_merge(
            survivor=survivor,
            other=other,
            actor=merger,
            survivor_version=survivor.updated_at,
            other_version=other.updated_at,
        )
        thread.start()
        assert wait_for(a_session_waits_on_a_lock, timeout=10)
    thread.join(timeout=20)

    assert not thread.is_alive()
    assert not DisclosedPerson.objects.filter(person=other).exists(), outcome

"""A dossier rendered while one of its persons is being merged: its disclosure names the survivor, never the
merged record's tombstone."""

import threading

import pytest
from django.db import connection, transaction

from casework.accounts import roles
from casework.dossiers import services
from casework.govrequests.models import DisclosedPerson
from casework.merging import services as merging_services
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
def test_a_dossier_rendered_during_a_merge_of_its_person_discloses_the_survivor(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = factories.OrganisationFactory(code="DSMG")
    merger = factories.UserFactory(username="merger_d", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    gov_request = factories.GovernmentRequestFactory(organisation=org, submitted=True)
    other = factories.PersonFactory(organisation=org, given_name_lat="Aminah")
    factories.RequestedPersonFactory(request=gov_request, person=other)
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    dossier = services.Dossier.objects.create(
        organisation=org, request=gov_request, language="en", signing_officer="N", requested_by=merger, person_count=1
    )
    outcome: dict[str, object] = {}

    def render_meanwhile() -> None:
        try:
            outcome["dossier"] = services.dossier_render(dossier_id=dossier.pk)
        except Exception as exc:  # reported to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=render_meanwhile)
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
    thread.join(timeout=60)

    assert not thread.is_alive()
    assert "error" not in outcome, outcome
    assert list(DisclosedPerson.objects.values_list("person_id", flat=True)) == [survivor.pk]

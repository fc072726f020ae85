"""A worker killed during the commit leaves nothing half-written; the redelivered task commits it once.

PostgreSQL and Redis only (`-m worker`), like the other tests that kill real workers.
"""

import time
import uuid
from unittest import mock

import pytest
from django.db import connection, transaction

from casework.accounts import roles
from casework.imports import services
from casework.imports.choices import BatchStatus
from casework.imports.models import ImportBatch
from casework.imports.tasks import commit_import
from casework.people.models import FamilyLink, Person
from tests import factories
from tests.celery_worker import isolated_broker_url, running_worker, wait_for
from tests.imports.files import csv_bytes, upload

VISIBILITY_TIMEOUT = 3
ROWS = [["ID", "Given name", "Family name", "Mother"]] + [
    row for n in range(20) for row in ([f"M{n}", f"Mother{n}", "Haddad", ""], [f"C{n}", f"Child{n}", "Haddad", f"M{n}"])
]


def waiting_for_link_table_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [FamilyLink._meta.db_table],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_the_commit_leaves_nothing_and_the_retry_commits_once(settings, tmp_path):
    settings.IMPORTS_FILE_ROOT = tmp_path
    organisation = factories.OrganisationFactory(code="IMPK")
    actor = factories.UserFactory(username="importer", organisation=organisation, role=roles.SUPERVISOR)
    batch = services.batch_upload(upload=upload("list.csv", csv_bytes(ROWS)), actor=actor)
    services.batch_set_mapping(
        batch=batch,
        actor=actor,
        sheet_name="",
        header_row=1,
        mapping={
            "ID": "external_ref",
            "Given name": "given_name_lat",
            "Family name": "family_name_lat",
            "Mother": "mother",
        },
        value_maps={},
    )
    batch = services.batch_check_now(batch=batch, actor=actor)
    assert batch.status == BatchStatus.CHECKED and batch.counts["create"] == 40
    # "Mother0" and "Mother1" are one name to the matcher (digits are no name): settled as new persons.
    services.rows_decide_all(batch=batch, decision="new", actor=actor)
    with mock.patch("casework.imports.tasks.commit_import.delay"):
        services.batch_queue_commit(batch=batch, actor=actor)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {"CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "CELERY_BROKER_URL": isolated_broker_url()}

    with running_worker(env=env, queue=queue, pool="prefork") as first:
        with transaction.atomic():
            # The commit writes persons first and family links last: it stops at the links, inside its transaction.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FamilyLink._meta.db_table} IN SHARE MODE")
            first.send(commit_import, batch.pk, actor.pk)
            assert wait_for(waiting_for_link_table_lock, timeout=20), first.log()
            first.kill()
        assert wait_for(lambda: not waiting_for_link_table_lock(), timeout=10)
        time.sleep(VISIBILITY_TIMEOUT + 0.5)
        assert not Person.objects.filter(organisation=organisation).exists()
        assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.COMMITTING
        with running_worker(env=env, queue=queue) as second:
            assert wait_for(lambda: "succeeded" in second.log(), timeout=30), second.log()
            second.send(commit_import, batch.pk, actor.pk)  # once more: nothing new
            wait_for(lambda: second.log().count("succeeded") >= 2, timeout=20)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.counts["created"] == 40
    assert Person.objects.filter(organisation=organisation).count() == 40
    assert FamilyLink.objects.filter(person__organisation=organisation).count() == 40

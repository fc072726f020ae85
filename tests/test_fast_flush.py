"""The cheaper flush between transactional tests (tests/fast_flush.py) leaves what Django's own flush leaves."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from casework.accounts import roles
from casework.core.models import AuditEvent
from casework.people.models import Person
from tests import factories, fast_flush


def _database_rows() -> dict[str, list[tuple]]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        return {
            table: fast_flush._rows(cursor, connection, table)[1]
            for table in fast_flush._tables_with_rows(cursor, connection, tables)
        }


def _flush() -> None:
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.mark.django_db(transaction=True)
def test_the_flush_empties_every_table_and_puts_back_exactly_what_post_migrate_makes():
    _flush()  # the first flush of a process is Django's own, and the plugin takes its snapshot from it
    factories.PersonFactory(organisation=factories.OrganisationFactory(code="FLU"))
    AuditEvent.objects.create(action="test.flush")  # append-only: DELETE is refused by a trigger on PostgreSQL
    Group.objects.get(name=roles.CASEWORKER).permissions.clear()
    Group.objects.create(name="made by a test")

    _flush()

    rows = _database_rows()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLE_PERMISSIONS)
    assert Group.objects.get(name=roles.CASEWORKER).permissions.exists()
    # Emitting the real signal now finds nothing to add or change: the rows put back are complete.
    emit_post_migrate_signal(0, False, connection.alias)
    assert _database_rows() == rows
    assert set(rows) == set(fast_flush._snapshots[connection.alias])

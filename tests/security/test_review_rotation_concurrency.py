"""Key rotation runs while the application works: an L3 value saved between the rotation's reading of a batch
and its writing back must not be replaced by the value read (a lost update of highly sensitive data)."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models.query import QuerySet

from casework.core import rekey
from casework.people.models import Person
from tests import factories


@pytest.mark.postgres  # two sessions: one saves while the rotation holds its batch
@pytest.mark.django_db(transaction=True)
def test_a_value_saved_while_the_rotation_holds_the_batch_is_kept(monkeypatch):
    person = factories.PersonFactory(health_notes="Asthma, inhaler")
    original_bulk_update = QuerySet.bulk_update
    edits: list[threading.Thread] = []

    def save_meanwhile() -> None:
        try:
            Person.objects.filter(pk=person.pk).update(health_notes="Asthma, inhaler; insulin since May")
        finally:
            connection.close()

    def bulk_update_after_an_edit(self, objs, fields, batch_size=None):
        if not edits:
            edit = threading.Thread(target=save_meanwhile)
            edits.append(edit)
            edit.start()
            edit.join(timeout=3)  # done at once, unless the batch's rows are locked
        return original_bulk_update(self, objs, fields, batch_size=batch_size)

    monkeypatch.setattr(QuerySet, "bulk_update", bulk_update_after_an_edit)
    with transaction.atomic():
        rekey.reencrypt_batch(Person, after_pk=None)
    edits[0].join(timeout=20)

    assert not edits[0].is_alive()
    assert Person.objects.get(pk=person.pk).health_notes == "Asthma, inhaler; insulin since May"

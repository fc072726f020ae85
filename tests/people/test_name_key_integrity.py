"""The name-key index without database constraints on its keys (`PersonNameKey`, issue #11's commit speed):
whatever deletes a person still deletes its keys, and a full rebuild removes keys left pointing to no one."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from casework.people.models import Person, PersonNameKey
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


def test_deleting_a_person_deletes_its_name_keys(org_a):
    kept, gone = factories.PersonFactory(organisation=org_a), factories.PersonFactory(organisation=org_a)
    person_name_keys_rebuild(person_ids=[kept.pk, gone.pk])
    assert PersonNameKey.objects.filter(person=gone).exists()

    Person.objects.filter(pk=gone.pk).delete()

    assert not PersonNameKey.objects.filter(person_id=gone.pk).exists()
    assert PersonNameKey.objects.filter(person=kept).exists()


def test_a_full_rebuild_removes_keys_of_persons_that_no_longer_exist(org_a):
    person = factories.PersonFactory(organisation=org_a)
    missing = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    PersonNameKey.objects.create(
        person_id=missing, organisation_id=org_a.pk, key="ORPHAN", kind="coarse", part="given", script="latin"
    )

    call_command("rebuild_name_keys", stdout=io.StringIO())

    assert not PersonNameKey.objects.filter(person_id=missing).exists()
    assert PersonNameKey.objects.filter(person=person).exists()


def test_the_name_key_table_has_no_foreign_key_constraint_and_no_index_on_person_alone():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, PersonNameKey._meta.db_table)
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
    assert not [name for name, c in constraints.items() if c["index"] and c["columns"] == ["person_id"]]
    # The unique index starts with the person: it serves the deletions by person.
    assert any(c["unique"] and c["columns"][0] == "person_id" for c in constraints.values())

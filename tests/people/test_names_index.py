"""The name-key index stays in step with every write of names: services, admin, bulk seeding, rebuilds."""

import importlib
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from casework.people import services
from casework.people.choices import AliasKind, Script, Sex
from casework.people.models import Alias, Person, PersonNameKey
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


def keys(person: Person, part: str | None = None) -> set[str]:
    rows = PersonNameKey.objects.filter(person=person, kind="coarse")
    if part:
        rows = rows.filter(part=part)
    return set(rows.values_list("key", flat=True))


def register(actor, **names) -> Person:
    person = Person(sex=Sex.FEMALE, **names)
    return services.person_register(person=person, actor=actor)


def test_register_indexes_the_names_of_both_scripts(caseworker_a):
    person = register(caseworker_a, given_name_lat="Fatima", given_name_ar="فاطمة", family_name_lat="Al-Najjar")
    assert keys(person, "given") == {"FTM"}
    assert keys(person, "family") == {"NJR"}
    row = PersonNameKey.objects.filter(person=person).first()
    assert row.organisation_id == person.organisation_id


def test_update_replaces_the_old_keys(caseworker_a):
    person = register(caseworker_a, given_name_lat="Fatima", family_name_lat="Haddad")
    person.given_name_lat = "Khadija"
    services.person_update(person=person, actor=caseworker_a)
    assert keys(person, "given") == {"XDJ"}


def test_alias_add_edit_and_remove_keep_the_index(caseworker_a):
    person = register(caseworker_a, given_name_lat="Fatima", family_name_lat="Haddad")
    alias = services.alias_add(
        person=person, kind=AliasKind.KUNYA, name="Umm Yusuf", script=Script.LATIN, actor=caseworker_a
    )
    assert keys(person, "kunya") == {"umm:SF"}
    alias.name = "Umm Omar"
    services.person_record_update(record=alias, actor=caseworker_a)
    assert keys(person, "kunya") == {"umm:MR"}
    services.person_record_remove(record=alias, actor=caseworker_a)
    assert keys(person, "kunya") == set()


def test_the_aliases_formset_service_keeps_the_index(caseworker_a):
    person = register(caseworker_a, given_name_lat="Fatima", family_name_lat="Haddad")
    fields = {
        "kind": AliasKind.BIRTH_NAME,
        "name": "Мария Петрова",
        "script": Script.CYRILLIC,
        "armed_group_link": False,
    }
    services.person_aliases_save(
        person=person, actor=caseworker_a, rows=[{"alias": None, "version": None, "fields": fields, "delete": False}]
    )
    assert "MR" in keys(person, "alias")


def test_admin_alias_inline_edits_go_through_the_services(client_for, orgadmin_a):
    person = register(orgadmin_a, given_name_lat="Fatima", family_name_lat="Haddad")
    alias = Alias.objects.create(person=person, kind=AliasKind.ALIAS, name="Fatma", script=Script.LATIN)
    person_name_keys_rebuild(person_ids=[person.pk])
    from django.contrib import admin

    from casework.people.admin.inlines import AliasInline

    inline = AliasInline(Person, admin.site)
    request = type("Request", (), {"user": orgadmin_a})()
    alias.name = "Zainab"
    inline.save_changed_object(request, obj=alias)
    assert "ZNB" in keys(person, "alias")
    inline.delete_object(request, obj=Alias.objects.get(pk=alias.pk))
    assert keys(person, "alias") == set()


def test_rebuild_sets_the_index_from_scratch_and_is_idempotent(org_a):
    person = factories.PersonFactory(organisation=org_a, given_name_lat="Yusuf", given_name_ar="يوسف")
    factories.AliasFactory(person=person, name="Abu Omar")
    PersonNameKey.objects.filter(person=person).delete()  # the factories keep the index as the services do
    first = person_name_keys_rebuild(person_ids=[person.pk])
    second = person_name_keys_rebuild(person_ids=[person.pk])
    assert first == second == PersonNameKey.objects.filter(person=person).count() > 0
    assert "abu:MR" in keys(person, "kunya")


def test_rebuild_name_keys_command_rebuilds_everything(org_a, org_b):
    people = [factories.PersonFactory(organisation=org) for org in (org_a, org_b, org_a)]
    PersonNameKey.objects.create(
        person=people[0], organisation=org_a, key="STALE", kind="coarse", part="given", script="latn"
    )
    out = StringIO()
    call_command("rebuild_name_keys", "--batch-size", "2", stdout=out)
    assert "name keys written" in out.getvalue()
    assert not PersonNameKey.objects.filter(key="STALE").exists()
    assert set(PersonNameKey.objects.values_list("person_id", flat=True)) == {p.pk for p in people}


def test_the_data_migrations_build_the_same_keys_as_the_services(org_a):
    person = factories.PersonFactory(organisation=org_a, given_name_lat="Mouhamed", family_name_ar="النجار")
    factories.AliasFactory(person=person, name="Umm Yusuf")
    person_name_keys_rebuild(person_ids=[person.pk])
    live = set(PersonNameKey.objects.filter(person=person).values_list("part", "kind", "key"))
    PersonNameKey.objects.all().delete()
    migration = importlib.import_module("casework.people.migrations.0005_build_person_name_keys")
    migration.build(django_apps, None)
    # 0017 then deletes the vowel-aware keys, which the services no longer write.
    assert PersonNameKey.objects.filter(person=person, kind="vowel").exists()
    importlib.import_module("casework.people.migrations.0017_name_keys_without_vowel_keys").delete_vowel_keys(
        django_apps, None
    )
    assert set(PersonNameKey.objects.filter(person=person).values_list("part", "kind", "key")) == live


def test_seeding_demo_data_indexes_the_persons():
    call_command("seed_demo", "--size", "30", "--seed", "3", "--allow-without-debug", stdout=StringIO())
    assert Person.objects.count() == 30
    indexed = set(PersonNameKey.objects.values_list("person_id", flat=True))
    assert indexed == set(Person.objects.values_list("pk", flat=True))

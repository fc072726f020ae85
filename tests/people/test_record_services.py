"""Services for the records attached to a person: add, edit with optimistic concurrency, remove, family pairs."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from casework.core.models import AuditEvent
from casework.people import services
from casework.people.choices import Relation, Sex
from casework.people.models import Alias, DnaTest, FamilyLink, IdentityDocument, NationalityClaim, Person
from casework.people.services.records import FAMILY_LINK_REMOVED
from tests import factories

pytestmark = pytest.mark.django_db


def test_record_add_attaches_to_the_person_with_history_and_audit(caseworker_a, person_a):
    document = services.person_record_add(
        person=person_a, record=IdentityDocument(document_type="passport", number="P1"), actor=caseworker_a
    )

    assert document.person == person_a
    assert document.history.get().history_user == caseworker_a
    event = AuditEvent.objects.get(action="people.identitydocument.added")
    assert event.target_id == str(document.public_id)
    assert event.organisation_id == person_a.organisation_id
    assert "P1" not in str(event.data)  # no personal data in the audit log


def test_record_add_to_a_person_outside_the_scope_is_denied(caseworker_a, person_b):
    with pytest.raises(PermissionDenied):
        services.person_record_add(person=person_b, record=DnaTest(requested_on=date(2025, 1, 1)), actor=caseworker_a)
    assert not DnaTest.objects.exists()


def test_record_add_with_bad_dates_saves_nothing(caseworker_a, person_a):
    with pytest.raises(ValidationError) as excinfo:
        services.person_record_add(
            person=person_a,
            record=IdentityDocument(document_type="passport", issued_on=date(2020, 1, 1), expires_on=date(2019, 1, 1)),
            actor=caseworker_a,
        )
    assert "expires_on" in excinfo.value.error_dict
    assert not IdentityDocument.objects.exists()


def test_record_update_refuses_a_stale_version_and_names_the_fields(caseworker_a, supervisor_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a, number="OLD")
    opened = document.updated_at
    theirs = IdentityDocument.objects.get(pk=document.pk)
    theirs.number = "THEIRS"
    services.person_record_update(record=theirs, actor=supervisor_a, expected_updated_at=opened)

    mine = IdentityDocument.objects.get(pk=document.pk)
    mine.number = "MINE"
    mine.notes = "Mine."
    with pytest.raises(services.ConcurrentEditError) as excinfo:
        services.person_record_update(record=mine, actor=caseworker_a, expected_updated_at=opened)

    assert "notes" in excinfo.value.changed_fields
    document.refresh_from_db()
    assert document.number == "THEIRS"


def test_record_update_records_the_changed_field_names(caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)
    document.number = "NEW"

    services.person_record_update(record=document, actor=caseworker_a, expected_updated_at=document.updated_at)

    assert AuditEvent.objects.get(action="people.identitydocument.updated").data == {"fields": ["number"]}
    assert [h.number for h in document.history.order_by("history_id")][-1] == "NEW"


def test_record_update_by_a_user_who_cannot_see_the_person_is_denied(caseworker_b, person_a):
    document = factories.IdentityDocumentFactory(person=person_a, number="KEEP")
    document.number = "CHANGED"

    with pytest.raises(PermissionDenied):
        services.person_record_update(record=document, actor=caseworker_b, expected_updated_at=document.updated_at)
    document.refresh_from_db()
    assert document.number == "KEEP"


def test_record_remove_refuses_a_stale_version(caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)
    opened = document.updated_at
    document.number = "CHANGED"
    document.save()

    with pytest.raises(services.ConcurrentEditError):
        services.person_record_remove(record=document, actor=caseworker_a, expected_updated_at=opened)
    assert IdentityDocument.objects.filter(pk=document.pk).exists()


def test_record_removed_meanwhile_cannot_be_updated(caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)
    IdentityDocument.objects.filter(pk=document.pk).delete()

    with pytest.raises(services.RecordGoneError):
        services.person_record_update(record=document, actor=caseworker_a, expected_updated_at=document.updated_at)
    assert not IdentityDocument.objects.exists()


@pytest.fixture
def mother_and_child(caseworker_a, org_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE)
    child = factories.PersonFactory(organisation=org_a, sex=Sex.MALE)
    link = services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)
    return mother, child, link


def test_removing_a_family_link_removes_its_inverse(caseworker_a, mother_and_child):
    mother, child, link = mother_and_child
    assert FamilyLink.objects.filter(person=mother, relative=child, relation=Relation.CHILD).exists()

    services.family_link_remove(link=link, actor=caseworker_a, expected_updated_at=link.updated_at)

    assert not FamilyLink.objects.filter(person__in=[mother, child]).exists()
    assert AuditEvent.objects.filter(action=FAMILY_LINK_REMOVED).count() == 1


def test_removing_the_inverse_side_removes_the_first_link(caseworker_a, mother_and_child):
    mother, child, _link = mother_and_child
    inverse = FamilyLink.objects.get(person=mother)

    services.family_link_remove(link=inverse, actor=caseworker_a, expected_updated_at=inverse.updated_at)

    assert not FamilyLink.objects.filter(person__in=[mother, child]).exists()


def test_removing_one_link_keeps_other_links_between_other_persons(caseworker_a, mother_and_child, org_a):
    mother, _child, link = mother_and_child
    sibling = factories.PersonFactory(organisation=org_a)
    services.family_link_create(person=sibling, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)

    services.family_link_remove(link=link, actor=caseworker_a, expected_updated_at=link.updated_at)

    assert FamilyLink.objects.filter(person=sibling, relative=mother).exists()
    assert FamilyLink.objects.filter(person=mother, relative=sibling).exists()


def test_editing_a_family_link_mirrors_it_on_the_inverse(caseworker_a, mother_and_child):
    mother, child, link = mother_and_child
    link.relation = Relation.GUARDIAN
    link.is_verified = True

    services.family_link_update(link=link, actor=caseworker_a, expected_updated_at=link.updated_at)

    inverse = FamilyLink.objects.get(person=mother, relative=child)
    assert (inverse.relation, inverse.is_verified) == (Relation.WARD, True)


@pytest.fixture
def link_to_a_relative_of_another_caseworker(caseworker_a, fieldworker_a, org_a):
    """A case of the assigned-only fieldworker linked to a relative assigned to another caseworker."""
    person = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, sex=Sex.MALE)
    relative = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, sex=Sex.FEMALE)
    link = services.family_link_create(person=person, relative=relative, relation=Relation.MOTHER, actor=caseworker_a)
    return person, relative, link


def test_removing_a_family_link_to_a_relative_outside_the_caseload_is_denied(
    fieldworker_a, link_to_a_relative_of_another_caseworker
):
    person, relative, link = link_to_a_relative_of_another_caseworker

    with pytest.raises(PermissionDenied):
        services.family_link_remove(link=link, actor=fieldworker_a, expected_updated_at=link.updated_at)

    assert FamilyLink.objects.filter(person=person, relative=relative).exists()
    assert FamilyLink.objects.filter(person=relative, relative=person).exists()
    assert not AuditEvent.objects.filter(action=FAMILY_LINK_REMOVED).exists()


def test_removing_the_inverse_of_a_link_to_a_relative_outside_the_caseload_is_denied(
    fieldworker_a, link_to_a_relative_of_another_caseworker
):
    person, relative, link = link_to_a_relative_of_another_caseworker

    with pytest.raises(PermissionDenied):
        services.family_link_inverse_remove(link=link, actor=fieldworker_a)

    assert FamilyLink.objects.filter(person=relative, relative=person).exists()
    assert not AuditEvent.objects.filter(action=FAMILY_LINK_REMOVED).exists()


def test_editing_a_family_link_to_a_relative_outside_the_caseload_is_denied(
    fieldworker_a, link_to_a_relative_of_another_caseworker
):
    person, relative, link = link_to_a_relative_of_another_caseworker
    link.relation = Relation.GUARDIAN
    link.notes = "changed"

    with pytest.raises(PermissionDenied):
        services.family_link_update(link=link, actor=fieldworker_a, expected_updated_at=link.updated_at)

    inverse = FamilyLink.objects.get(person=relative, relative=person)
    assert (inverse.relation, inverse.notes) == (Relation.CHILD, "")
    assert FamilyLink.objects.get(pk=link.pk).relation == Relation.MOTHER


def test_a_new_main_nationality_takes_the_mark_from_the_old_one(caseworker_a, person_a):
    old = services.nationality_claim_add(
        person=person_a, country="FR", basis="parent", actor=caseworker_a, is_primary=True
    )
    new = services.nationality_claim_add(person=person_a, country="BE", basis="parent", actor=caseworker_a)
    new.is_primary = True

    services.nationality_claim_update(claim=new, actor=caseworker_a, expected_updated_at=new.updated_at)

    assert dict(NationalityClaim.objects.values_list("country", "is_primary")) == {"FR": False, "BE": True}
    old.refresh_from_db()
    assert old.history.order_by("-history_id").first().history_user == caseworker_a


def test_aliases_save_is_all_or_nothing(caseworker_a, person_a):
    alias = factories.AliasFactory(person=person_a, name="Umm Yusuf", kind="kunya")
    opened = alias.updated_at
    Alias.objects.filter(pk=alias.pk).update(name="Umm Hamza", updated_at=timezone.now())  # someone else
    alias.refresh_from_db()

    with pytest.raises(services.ConcurrentEditError):
        services.person_aliases_save(
            person=person_a,
            actor=caseworker_a,
            rows=[
                {
                    "alias": None,
                    "version": None,
                    "delete": False,
                    "fields": {"kind": "alias", "name": "New", "script": "latn"},
                },
                {
                    "alias": alias,
                    "version": opened,
                    "delete": False,
                    "fields": {"kind": "kunya", "name": "Mine", "script": "latn"},
                },
            ],
        )

    assert list(Alias.objects.values_list("name", flat=True)) == ["Umm Hamza"]


def test_registration_with_a_family_link_outside_the_scope_registers_nothing(caseworker_a, person_b):
    before = Person.objects.count()

    with pytest.raises(PermissionDenied):
        services.person_register_with_details(
            person=Person(given_name_lat="Amina", organisation=None),
            actor=caseworker_a,
            family_links=[{"relation": Relation.MOTHER, "relative": person_b}],
        )

    assert Person.objects.count() == before
    assert not FamilyLink.objects.exists()


# --- Stored files: a replaced or removed copy is deleted once the change commits -------------------


class Boom(Exception):
    pass


@pytest.fixture
def document_with_copy(person_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("scan.pdf", ContentFile(b"%PDF-1.4 old"))
    return document


def _stored(name: str) -> bool:
    return default_storage.exists(name)


def test_replacing_a_document_copy_deletes_the_old_file_after_commit(
    caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name
    document_with_copy.file = ContentFile(b"%PDF-1.4 new", name="scan.pdf")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.person_record_update(record=document_with_copy, actor=caseworker_a)
    new_name = IdentityDocument.objects.get(pk=document_with_copy.pk).file.name
    assert new_name != old_name
    assert _stored(old_name)  # not before the commit
    for callback in callbacks:
        callback()

    assert not _stored(old_name)
    assert default_storage.open(new_name).read() == b"%PDF-1.4 new"


def test_clearing_a_document_copy_deletes_the_file_after_commit(
    caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name
    document_with_copy.file = ""

    with django_capture_on_commit_callbacks(execute=True):
        services.person_record_update(record=document_with_copy, actor=caseworker_a)

    assert not IdentityDocument.objects.get(pk=document_with_copy.pk).file
    assert not _stored(old_name)


def test_removing_a_document_deletes_its_copy_after_commit(
    caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.person_record_remove(record=document_with_copy, actor=caseworker_a)

    assert not IdentityDocument.objects.exists()
    assert not _stored(old_name)


def test_editing_a_document_without_a_new_copy_keeps_the_file(
    caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    document_with_copy.notes = "seen again"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.person_record_update(record=document_with_copy, actor=caseworker_a)

    assert callbacks == []
    assert _stored(document_with_copy.file.name)


def test_a_rolled_back_replacement_or_removal_deletes_no_file(
    caseworker_a, document_with_copy, django_capture_on_commit_callbacks
):
    old_name = document_with_copy.file.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            services.person_record_remove(record=document_with_copy, actor=caseworker_a)
            raise Boom
        document = IdentityDocument.objects.get(pk=document_with_copy.pk)
        document.file = ContentFile(b"%PDF-1.4 new", name="scan.pdf")
        with pytest.raises(Boom), transaction.atomic():
            services.person_record_update(record=document, actor=caseworker_a)
            raise Boom

    assert callbacks == []
    assert IdentityDocument.objects.get(pk=document_with_copy.pk).file.name == old_name
    assert _stored(old_name)


def _with_a_new_photo(person_a: Person) -> tuple[Person, str]:
    """person_a with a stored photo, and a fresh copy of them given a new one (not saved): (the copy, the old name)."""
    person_a.photo.save("photo.png", ContentFile(b"old photo"))
    person = Person.objects.get(pk=person_a.pk)
    person.photo = ContentFile(b"new photo", name="photo.png")
    return person, person_a.photo.name


def test_replacing_a_photo_deletes_the_old_photo_after_commit(
    caseworker_a, person_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    person, old_name = _with_a_new_photo(person_a)

    with django_capture_on_commit_callbacks(execute=True):
        services.person_update(person=person, actor=caseworker_a)

    new_name = Person.objects.get(pk=person_a.pk).photo.name
    assert new_name != old_name
    assert not _stored(old_name)
    assert default_storage.open(new_name).read() == b"new photo"


def test_a_rolled_back_photo_replacement_keeps_the_old_photo(
    caseworker_a, person_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    person, old_name = _with_a_new_photo(person_a)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        services.person_update(person=person, actor=caseworker_a)
        raise Boom

    assert callbacks == []
    assert Person.objects.get(pk=person_a.pk).photo.name == old_name
    assert _stored(old_name)

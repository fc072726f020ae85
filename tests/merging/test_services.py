"""Merge and unmerge: what moves where, what is refused, and that an unmerge puts every row back."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from casework.core.models import AuditEvent
from casework.govrequests.models import RequestedPerson
from casework.merging import relations, services
from casework.merging.models import PersonMerge
from casework.people.models import Alias, CustodyPeriod, FamilyLink, NationalityClaim, Person, PersonNameKey
from casework.reminders.models import Reminder
from tests import factories
from tests.merging.conftest import merge

pytestmark = pytest.mark.django_db


def _state(person_ids: set[int]) -> dict:
    """Every row of Person and of every model relating to it (history tables aside), as stored.

    `updated_at` is left out: an unmerge saves the rows again, and their update time says when.
    Name keys are compared by content: they are rebuilt, with new ids.
    """
    state = {}
    models = {Person} | {r.model for r in relations.person_relations() if not r.is_history} - {PersonMerge}
    for model in models:
        if model is PersonNameKey:
            state[model._meta.label] = sorted(
                PersonNameKey.objects.values_list("person_id", "part", "kind", "key", "script")
            )
            continue
        rows = {}
        for row in model._base_manager.order_by("pk"):
            data = services._dump(row)
            data.pop("updated_at", None)
            rows[row.pk] = data
        state[model._meta.label] = rows
    return state


def test_merge_then_unmerge_restores_every_row(pair, merger_a):
    first, second = pair
    before = _state({first.pk, second.pk})

    record = merge(first, second, merger_a, from_other=["given_name_ar", "sex"])
    assert _state({first.pk, second.pk}) != before
    services.person_unmerge(merge=record, actor=merger_a)

    assert _state({first.pk, second.pk}) == before
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == merger_a


def test_everything_attached_moves_to_the_survivor(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)

    for relation in relations.moved_relations():
        left = relation.model._base_manager.filter(**{relation.field.name: second.pk})
        assert not left.exists(), relation.key
    second.refresh_from_db()
    assert second.merged_into == first and second.household is None
    # Each kind of record is now the survivor's (duplicates dropped, see below).
    assert first.documents.count() == 2
    assert first.dna_tests.count() == 2
    assert first.assessments.count() == 2
    assert first.screenings.count() == 2
    assert first.custody_periods.count() == 2
    assert first.request_memberships.count() == 2
    assert first.handover_memberships.count() == 2
    assert first.disclosure_rows.count() == 2
    assert first.status_changes.count() == 2
    assert first.external_references.count() == 2
    assert Person.objects.filter(merged_into=first).count() == 2  # the earlier tombstone follows
    assert record.summary["moved"]["people.IdentityDocument"] == 1


def test_duplicates_are_dropped_and_the_link_between_the_two_records_too(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)

    # The kunya both had is kept once; the other's own alias moved.
    assert list(first.aliases.filter(kind="kunya").values_list("name", flat=True)) == ["Umm Yusuf"]
    assert first.aliases.filter(name="Alias B").exists()
    # The sibling both had: one link each way; the other's mother: moved, both directions.
    links = set(FamilyLink.objects.filter(person=first).values_list("relative__given_name_lat", "relation"))
    assert links == {("Yusuf", "sibling"), ("Mother A", "mother"), ("Mother B", "mother")}
    inverse = FamilyLink.objects.filter(relative=first).values_list("person__given_name_lat", "relation")
    assert set(inverse) == {("Yusuf", "sibling"), ("Mother A", "child"), ("Mother B", "child")}
    assert not FamilyLink.objects.filter(person=second).exists()
    assert not FamilyLink.objects.filter(relative=second).exists()
    # The same reminder occurrence is kept once, with the survivor as its subject.
    reminders = Reminder.objects.filter(person=first)
    assert reminders.count() == 3
    assert set(reminders.values_list("subject_key", flat=True)) == {f"person:{first.pk}"}
    assert record.summary["dropped"] == {"people.Alias": 1, "people.FamilyLink": 4, "reminders.Reminder": 1}


def test_the_other_names_become_aliases_and_name_keys_follow(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)

    assert second.full_name_lat in record.summary["aliases"]
    assert Alias.objects.filter(person=first, name=second.full_name_lat, kind="alias").exists()
    assert not PersonNameKey.objects.filter(person=second).exists()
    assert PersonNameKey.objects.filter(person=first).exists()


def test_chosen_fields_come_from_the_other_record_and_the_replaced_name_is_kept(pair, merger_a):
    first, second = pair
    old_name = first.full_name_lat
    merge(first, second, merger_a, from_other=["given_name_lat", "family_name_lat"])
    first.refresh_from_db()
    assert (first.given_name_lat, first.family_name_lat) == ("Fatma", "Dupond")
    assert Alias.objects.filter(person=first, name=old_name).exists()


def test_the_survivors_primary_nationality_stays_primary(pair, merger_a):
    first, second = pair
    merge(first, second, merger_a)
    assert list(NationalityClaim.objects.filter(person=first, is_primary=True).values_list("country", flat=True)) == [
        "FR"
    ]


def test_history_and_audit_name_the_actor(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)
    assert first.history.latest().history_user == merger_a
    assert second.history.latest().history_user == merger_a
    document = first.documents.order_by("-pk").first()
    assert document.history.latest().history_user == merger_a
    event = AuditEvent.objects.get(action="merging.person.merged")
    assert event.actor == merger_a and event.data["merge"] == str(record.public_id)
    services.person_unmerge(merge=record, actor=merger_a)
    assert AuditEvent.objects.filter(action="merging.person.unmerged", actor=merger_a).exists()
    assert document.history.latest().history_user == merger_a


def test_the_tombstone_is_never_listed(pair, merger_a):
    first, second = pair
    merge(first, second, merger_a)
    assert not Person.objects.visible_to(merger_a).filter(pk=second.pk).exists()
    assert Person.objects.merged_visible_to(merger_a).filter(pk=second.pk).exists()


# --- Refusals -------------------------------------------------------------------------------------


def test_overlapping_custody_is_refused(pair, merger_a):
    first, second = pair
    factories.CustodyPeriodFactory(person=second, start_date=date(2019, 6, 1), end_date=date(2019, 8, 1))
    second.refresh_from_db()
    with pytest.raises(services.MergeRefused) as refused:
        merge(first, second, merger_a)
    assert "Custody periods overlap" in str(refused.value)
    assert not PersonMerge.objects.exists()
    assert CustodyPeriod.objects.filter(person=second).count() == 2


def test_the_same_request_twice_is_refused(pair, merger_a):
    first, second = pair
    request = RequestedPerson.objects.filter(person=first).get().request
    factories.RequestedPersonFactory(request=request, person=second)
    with pytest.raises(services.MergeRefused) as refused:
        merge(first, second, merger_a)
    assert request.reference in str(refused.value)
    assert "person in request" in str(refused.value)


def test_the_same_handover_twice_is_refused(pair, merger_a):
    first, second = pair
    operation = first.handover_memberships.get().operation
    factories.HandoverPersonFactory(operation=operation, person=second)
    with pytest.raises(services.MergeRefused, match="person on handover"):
        merge(first, second, merger_a)


def test_the_same_nationality_claimed_twice_is_refused(pair, merger_a):
    first, second = pair
    factories.NationalityClaimFactory(person=second, country="FR", is_primary=False)
    with pytest.raises(services.MergeRefused, match="nationality claim"):
        merge(first, second, merger_a)


def test_a_record_changed_meanwhile_is_refused(pair, merger_a):
    first, second = pair
    version = second.updated_at
    second.place_of_birth = "Raqqa"
    second.save()
    with pytest.raises(services.MergeRefused, match="Someone else changed"):
        services.person_merge(
            survivor=first,
            other=second,
            actor=merger_a,
            survivor_version=first.updated_at,
            other_version=version,
        )
    assert not PersonMerge.objects.exists()


def test_a_record_with_itself_is_refused(pair, merger_a):
    first, _second = pair
    with pytest.raises(services.MergeRefused):
        merge(first, first, merger_a)


def test_another_organisations_record_is_out_of_scope(pair, merger_a, person_b):
    first, _second = pair
    with pytest.raises(PermissionDenied):
        merge(first, person_b, merger_a)


def test_a_caseworker_may_not_merge(pair, caseworker_a):
    first, second = pair
    with pytest.raises(PermissionDenied):
        merge(first, second, caseworker_a)


def test_a_dry_run_changes_nothing(pair, merger_a):
    first, second = pair
    before = _state({first.pk, second.pk})
    preview = merge(first, second, merger_a, dry_run=True)
    assert preview.summary["moved"]["people.DnaTest"] == 1
    assert _state({first.pk, second.pk}) == before
    assert not PersonMerge.objects.exists()


# --- Unmerge ----------------------------------------------------------------------------------------


def test_unmerge_is_refused_when_a_moved_row_changed_since(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)
    document = first.documents.order_by("-pk").first()
    document.number = "CHANGED"
    document.save()
    with pytest.raises(services.MergeRefused, match="changed since the merge"):
        services.person_unmerge(merge=record, actor=merger_a)
    second.refresh_from_db()
    assert second.merged_into == first


def test_unmerge_twice_is_refused(pair, merger_a):
    first, second = pair
    record = merge(first, second, merger_a)
    services.person_unmerge(merge=record, actor=merger_a)
    with pytest.raises(services.MergeRefused, match="already been undone"):
        services.person_unmerge(merge=record, actor=merger_a)


def test_unmerge_out_of_scope_is_refused(pair, merger_a, supervisor_b):
    first, second = pair
    record = merge(first, second, merger_a)
    with pytest.raises(PermissionDenied):
        services.person_unmerge(merge=record, actor=supervisor_b)


@pytest.mark.parametrize(
    "label",
    [key.rsplit(".", 1)[0] for key in relations.MOVED],
)
def test_each_moved_kind_goes_back_on_unmerge(pair, merger_a, label):
    """Per related model: the other record's rows are the survivor's after the merge and its own after unmerge."""
    from django.apps import apps

    first, second = pair
    model = apps.get_model(label)
    fields = [key.rsplit(".", 1)[1] for key in relations.MOVED if key.startswith(f"{label}.")]

    def rows_of(person):
        return {
            row.pk: services._dump(row)
            for field in fields
            for row in model._base_manager.filter(**{field: person.pk}).order_by("pk")
        }

    theirs = rows_of(second)
    assert theirs, label
    record = merge(first, second, merger_a)
    assert rows_of(second) == {}
    services.person_unmerge(merge=record, actor=merger_a)
    after = {pk: {k: v for k, v in data.items() if k != "updated_at"} for pk, data in rows_of(second).items()}
    assert after == {pk: {k: v for k, v in data.items() if k != "updated_at"} for pk, data in theirs.items()}

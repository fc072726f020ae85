"""Change history (django-simple-history): who changed what, old and new values, also in bulk."""

import pytest
from django.core.exceptions import PermissionDenied

from casework.people import services
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_edit_keeps_old_and_new_values_and_the_editor(caseworker_a, person_a):
    person_a.place_of_birth = "Mosul"
    services.person_update(person=person_a, actor=caseworker_a)
    person_a.place_of_birth = "Raqqa"
    services.person_update(person=person_a, actor=caseworker_a)
    newest, previous = person_a.history.all()[:2]
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("place_of_birth", "Mosul", "Raqqa")]
    assert newest.history_user == caseworker_a
    assert newest.history_type == "~"


def test_bulk_assignment_writes_one_history_row_per_person(supervisor_a, fieldworker_a, org_a):
    persons = [factories.PersonFactory(organisation=org_a) for _ in range(5)]
    count = services.person_bulk_assign(persons=persons, assignee=fieldworker_a, actor=supervisor_a, reason="rebalance")
    assert count == 5
    for person in persons:
        latest = person.history.first()
        assert (latest.assigned_to_id, latest.history_user, latest.history_change_reason) == (
            fieldworker_a.pk,
            supervisor_a,
            "rebalance",
        )
    assert Person.objects.filter(assigned_to=fieldworker_a).count() == 5


def test_bulk_assignment_refuses_when_any_person_is_out_of_scope(supervisor_a, fieldworker_a, person_a, person_b):
    with pytest.raises(PermissionDenied):
        services.person_bulk_assign(persons=[person_a, person_b], assignee=fieldworker_a, actor=supervisor_a)
    assert Person.objects.get(pk=person_a.pk).assigned_to != fieldworker_a


def test_deleting_a_related_record_is_kept_in_history(caseworker_a, person_a):
    alias = factories.AliasFactory(person=person_a)
    alias_id = alias.pk
    alias.delete()
    assert alias.history.model.objects.filter(id=alias_id, history_type="-").exists()

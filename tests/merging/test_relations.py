"""Every relation to Person is either moved by a merge or listed as not moved, with the reason."""

from django.apps import apps

from casework.merging import relations


def test_every_relation_to_person_is_moved_or_listed_as_not_moved():
    assert relations.unlisted_relations() == []


def test_the_lists_name_only_relations_that_exist():
    found = {relation.key for relation in relations.person_relations()}
    assert set(relations.MOVED) <= found
    assert set(relations.NOT_MOVED) <= found


def test_discovery_sees_hidden_relations_and_history_tables():
    found = {relation.key: relation for relation in relations.person_relations()}
    assert "people.FamilyLink.relative" in found  # related_name="+"
    assert found["people.HistoricalAlias.person"].is_history
    assert not found["people.Alias.person"].is_history


def test_a_relation_added_later_would_be_reported(monkeypatch):
    """The coverage check fails for a relation nobody listed (here: one removed from the list)."""
    monkeypatch.delitem(relations.MOVED, "people.DnaTest.person")
    assert relations.unlisted_relations() == ["people.DnaTest.person"]
    assert apps.get_model("people.DnaTest")

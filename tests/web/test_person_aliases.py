"""The aliases formset of a person: rights and scope, add/edit/remove in one save, conflicts, L3 flag."""

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.core.sensitivity import SENSITIVE_READ
from casework.people.models import Alias
from tests import factories

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("people:alias_list", args=[person.public_id])


def formset_data(rows: list[dict], extra: int = 1) -> dict[str, str]:
    """POST data of the formset: `rows` (recorded or new), then `extra` empty rows."""
    rows = [*rows, *([{"kind": "alias", "name": "", "script": "latn"}] * extra)]
    data = {
        "aliases-TOTAL_FORMS": str(len(rows)),
        # Recorded rows come first, as the page renders them.
        "aliases-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                data[f"aliases-{index}-{key}"] = "on"
            elif value is not False:
                data[f"aliases-{index}-{key}"] = str(value)
    return data


def row(alias: Alias, **changes) -> dict:
    return {
        "id": alias.public_id,
        "version": alias.updated_at.isoformat(),
        "kind": alias.kind,
        "name": alias.name,
        "script": alias.script,
        **changes,
    }


@pytest.fixture
def alias(person_a):
    return factories.AliasFactory(person=person_a, name="Umm Yusuf", kind="kunya")


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a"])
def test_caseworkers_get_the_formset_with_the_recorded_names(request, client_for, role, alias):
    html = client_for(request.getfixturevalue(role)).get(url(alias.person)).content.decode()

    assert 'id="alias-form"' in html
    assert 'value="Umm Yusuf"' in html
    assert f'value="{alias.public_id}"' in html


def test_auditor_reads_the_names_but_cannot_save(client_for, auditor_a, alias):
    client = client_for(auditor_a)
    response = client.get(url(alias.person))

    assert response.status_code == 200
    assert "Umm Yusuf" in response.content.decode()
    assert 'id="alias-form"' not in response.content.decode()
    assert client.post(url(alias.person), formset_data([row(alias, name="Changed")])).status_code == 403
    alias.refresh_from_db()
    assert alias.name == "Umm Yusuf"


@pytest.mark.parametrize("role", ["caseworker_b", "fieldworker_a"])
def test_aliases_of_a_person_outside_the_scope_are_not_found(request, client_for, role, alias):
    client = client_for(request.getfixturevalue(role))

    assert client.get(url(alias.person)).status_code == 404
    assert client.post(url(alias.person), formset_data([row(alias, DELETE=True)])).status_code == 404
    assert Alias.objects.filter(pk=alias.pk).exists()


def test_one_save_adds_edits_and_removes_names(client_for, caseworker_a, person_a, alias):
    other = factories.AliasFactory(person=person_a, name="Abu Bakr", kind="alias")

    response = client_for(caseworker_a).post(
        url(person_a),
        formset_data(
            [
                row(alias, name="Umm Ali"),
                row(other, DELETE=True),
                {"kind": "birth_name", "name": "Marie Dupont", "script": "latn"},
            ]
        ),
    )

    assert response.status_code == 302
    assert sorted(Alias.objects.filter(person=person_a).values_list("name", flat=True)) == ["Marie Dupont", "Umm Ali"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.alias.added", "people.alias.updated", "people.alias.removed"} <= actions
    assert AuditEvent.objects.get(action="people.alias.updated").data == {"fields": ["name"]}
    alias.refresh_from_db()
    assert alias.history.order_by("-history_id").first().history_user == caseworker_a


def test_a_row_ticked_for_deletion_is_removed_even_with_its_name_cleared(client_for, caseworker_a, person_a, alias):
    response = client_for(caseworker_a).post(url(person_a), formset_data([row(alias, name="", DELETE=True)]))

    assert response.status_code == 302
    assert not Alias.objects.exists()


def test_bad_row_is_a_field_error_and_nothing_is_saved(client_for, caseworker_a, person_a, alias):
    response = client_for(caseworker_a).post(
        url(person_a),
        formset_data([row(alias, name="Umm Ali"), {"kind": "not-a-kind", "name": "X", "script": "latn"}]),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_aliases-1-kind"' in html
    alias.refresh_from_db()
    assert alias.name == "Umm Yusuf"
    assert Alias.objects.count() == 1


def test_duplicate_of_a_recorded_name_is_an_error_and_nothing_is_saved(client_for, caseworker_a, person_a, alias):
    response = client_for(caseworker_a).post(
        url(person_a),
        formset_data(
            [
                {"kind": "alias", "name": "New name", "script": "latn"},
                {"kind": "kunya", "name": "Umm Yusuf", "script": "latn"},
            ],
            extra=0,
        ),
    )

    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert Alias.objects.count() == 1


def test_concurrent_edit_shows_their_change_and_saves_nothing(client_for, caseworker_a, person_a, alias):
    opened = row(alias, name="Umm Ali")
    new_row = {"kind": "alias", "name": "Someone new", "script": "latn"}
    alias.name = "Umm Hamza"  # someone else, after the page was opened
    alias.save()

    response = client_for(caseworker_a).post(url(person_a), formset_data([opened, new_row]))

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="edit-conflict"' in html
    assert "Umm Hamza" in html
    assert 'value="Umm Ali"' in html  # the user's input is kept
    alias.refresh_from_db()
    assert alias.name == "Umm Hamza"
    assert not Alias.objects.filter(name="Someone new").exists()  # all or nothing


def test_removal_by_someone_else_meanwhile_is_reported(client_for, caseworker_a, person_a, alias):
    data = formset_data([row(alias, name="Umm Ali")])
    alias.delete()

    response = client_for(caseworker_a).post(url(person_a), data)

    assert response.status_code == 409
    assert 'id="edit-conflict"' in response.content.decode()
    assert not Alias.objects.exists()


def test_armed_group_link_is_only_offered_to_permitted_users_and_kept_for_others(
    client_for, caseworker_a, sensitive_supervisor_a, person_a
):
    flagged = factories.AliasFactory(person=person_a, name="Abu Qatada", armed_group_link=True)

    assert "armed_group_link" not in client_for(caseworker_a).get(url(person_a)).content.decode()
    client_for(caseworker_a).post(url(person_a), formset_data([row(flagged, name="Abu Q.")]))
    flagged.refresh_from_db()
    assert flagged.name == "Abu Q." and flagged.armed_group_link  # untouched by a user who cannot see it

    html = client_for(sensitive_supervisor_a).get(url(person_a)).content.decode()
    assert "armed_group_link" in html
    assert AuditEvent.objects.filter(action=SENSITIVE_READ, target_id=str(flagged.public_id)).exists()

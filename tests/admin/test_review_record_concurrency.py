"""Optimistic concurrency in the admin beyond the person's own form: a record's change form and the rows of
the person's inlines carry the version they were built from, and a save over someone else's newer edit is
refused (nothing saved), as on the caseworker pages."""

import pytest
from django.urls import reverse

from tests import factories

from .utils import changeform_data, inline_errors, messages_of

pytestmark = pytest.mark.django_db


def _change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _someone_else_sets(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def _refused(response):
    if response.status_code == 200:
        form = response.context["adminform"].form
        return bool(form.errors or any(inline_errors(response).values()))
    return any("Someone else" in message for message in messages_of(response))


@pytest.mark.parametrize(
    ("make", "field", "values"),
    [
        (factories.NationalityClaimFactory, "notes", ("first", "mine", "theirs")),
        (factories.IdentityDocumentFactory, "number", ("A1", "A2", "A3")),
    ],
    ids=["claim", "document"],
)
def test_a_change_form_over_a_newer_edit_is_refused(client_for, caseworker_a, person_a, make, field, values):
    first, mine, theirs = values
    record = make(person=person_a, **{field: first})
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(record)))
    data[field] = mine
    _someone_else_sets(record, **{field: theirs})

    response = client.post(_change(record), data)

    record.refresh_from_db()
    assert getattr(record, field) == theirs
    assert _refused(response)


def test_the_change_form_without_a_newer_edit_still_saves(client_for, caseworker_a, person_a):
    claim = factories.NationalityClaimFactory(person=person_a, notes="first")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(claim)))
    data["notes"] = "mine"

    response = client.post(_change(claim), data)

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.notes == "mine"


def test_an_inline_row_of_the_person_over_a_newer_edit_of_that_row_is_refused(client_for, caseworker_a, person_a):
    alias = factories.AliasFactory(person=person_a, name="Umm Omar")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(person_a)))  # the row is re-posted as the page showed it
    _someone_else_sets(alias, name="Umm Amr")

    response = client.post(_change(person_a), data)

    alias.refresh_from_db()
    assert alias.name == "Umm Amr"
    assert _refused(response)

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


def test_a_claims_change_form_over_a_newer_edit_is_refused(client_for, caseworker_a, person_a):
    claim = factories.NationalityClaimFactory(person=person_a, notes="first")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(claim)))
    data["notes"] = "mine"
    _someone_else_sets(claim, notes="theirs")

    response = client.post(_change(claim), data)

    claim.refresh_from_db()
    assert claim.notes == "theirs"
    assert _refused(response)


def test_a_documents_change_form_over_a_newer_edit_is_refused(client_for, caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a, number="A1")
    client = client_for(caseworker_a)
    data = changeform_data(client.get(_change(document)))
    data["number"] = "A2"
    _someone_else_sets(document, number="A3")

    response = client.post(_change(document), data)

    document.refresh_from_db()
    assert document.number == "A3"
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

"""An admin form given a malformed value for an autocomplete field answers (a form error), never 500.

An autocomplete select looks its value up in the database, and a value that is no id of the field (`abc`, a
UUID, 2**63, NUL) raised there: in the add page's initial values from the query string (found by the probe:
/admin/people/custodyperiod/add/?facility=abc) and in a form posted back with errors (every admin add form).
"""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

BAD = ["abc", "34596f86-449c-4e93-835d-579531fb5684", str(2**63), "1,abc"]

AUTOCOMPLETE_ADD_PAGES = sorted(
    (f"admin:{model._meta.app_label}_{model._meta.model_name}_add", name)
    for model, model_admin in admin.site._registry.items()
    for name in model_admin.autocomplete_fields
)


def test_there_are_add_pages_with_autocomplete_fields():
    assert ("admin:people_custodyperiod_add", "facility") in AUTOCOMPLETE_ADD_PAGES


@pytest.mark.parametrize("bad", BAD)
def test_a_malformed_initial_value_of_an_autocomplete_field_is_ignored(client, superuser, bad):
    client.force_login(superuser)
    failed = []
    for url_name, field in AUTOCOMPLETE_ADD_PAGES:
        response = client.get(reverse(url_name), {field: bad})
        if response.status_code >= 500:
            failed.append((url_name, field, response.status_code))

    assert failed == []


@pytest.mark.parametrize("bad", [*BAD, "\x00"])
def test_a_malformed_posted_value_of_an_autocomplete_field_is_a_form_error(client, superuser, bad):
    client.force_login(superuser)
    failed = []
    for url_name, field in AUTOCOMPLETE_ADD_PAGES:
        response = client.post(reverse(url_name), {field: bad})
        if response.status_code != 200:
            failed.append((url_name, field, response.status_code))

    assert failed == []

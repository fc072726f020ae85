"""Rules every casework admin follows: select_related lists, read-only status, scoped person pickers and choices."""

import pytest
from django.contrib import admin
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import RequestFactory

from casework.core.admin import scoped_choices
from casework.people.models import Person

from .test_access import REGISTERED

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _admins_and_inlines(request):
    """(model admin or inline, form class) of every registered casework admin and of its inlines."""
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        yield model_admin, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield inline, inline.get_formset(request).form


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_admin_sets_list_select_related(model):
    assert admin.site._registry[model].list_select_related is not False


def test_no_status_is_editable_in_any_form(superuser):
    for model_admin, form in _admins_and_inlines(_request(superuser)):
        assert "status" not in form.base_fields, model_admin


def test_every_person_picker_is_an_autocomplete_or_a_raw_id(superuser):
    for model_admin, form in _admins_and_inlines(_request(superuser)):
        # The link of an inline to its parent person is an InlineForeignKeyField, not a choice.
        for name, field in form.base_fields.items():
            if isinstance(field, ModelChoiceField) and field.queryset.model is Person:
                assert name in model_admin.autocomplete_fields or name in model_admin.raw_id_fields, (model_admin, name)


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "orgadmin_a", "fieldworker_a"])
def test_every_choice_of_a_scoped_model_is_narrowed_to_the_users_scope(role, request, world):
    user = request.getfixturevalue(role)
    for model_admin, form in _admins_and_inlines(_request(user)):
        for name, field in form.base_fields.items():
            if not isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                continue
            scope = scoped_choices(field.queryset.model, user)
            if scope is None:
                continue  # reference data
            offered = set(field.queryset.values_list("pk", flat=True))
            visible = set(scope.values_list("pk", flat=True))
            assert offered <= visible, (model_admin, name)


def test_l3_fields_are_in_no_form_list_filter_or_search_of_a_user_without_the_permission(supervisor_a):
    from casework.core.sensitivity import sensitive_fields

    request = _request(supervisor_a)
    for model_admin, form in _admins_and_inlines(request):
        hidden = sensitive_fields(model_admin.model)
        assert not hidden & set(form.base_fields), model_admin
        assert not hidden & set(model_admin.get_readonly_fields(request)), model_admin
        if isinstance(model_admin, admin.ModelAdmin):
            assert not hidden & set(map(str, model_admin.get_list_display(request))), model_admin
            assert not hidden & {f for f in model_admin.get_list_filter(request) if isinstance(f, str)}, model_admin
            assert not any(s.lstrip("^=@") in hidden for s in model_admin.get_search_fields(request)), model_admin

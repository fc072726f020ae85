"""No changelist offers a filter that its own lookup check refuses.

`ScopedModelAdmin.lookup_allowed` refuses any filter on an L3 field, for everyone (an unlogged oracle), with
a 400. A `list_filter` on such a field put links in the sidebar that all answered 400 (found by the probe
crawling the legal proceedings admin as a user with the L3 permission: `?kind__exact=warrant`).
"""

from django.contrib import admin
from django.contrib.admin import SimpleListFilter

from casework.core.admin.base import _is_sensitive_path


def test_no_list_filter_is_on_a_highly_sensitive_field():
    offending = []
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
                continue
            path = entry[0] if isinstance(entry, list | tuple) else entry
            if _is_sensitive_path(model, path):
                offending.append(f"{model.__name__}.{path}")

    assert offending == []

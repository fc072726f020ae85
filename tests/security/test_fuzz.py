"""Hole 6: property-based fuzzing (hypothesis) of what users can send: no input answers with a server error.

Walked, not hand-listed: every admin changelist of the admin registry (its filters, its fields with
lookups, search, ordering, paging), every page of the URL configuration that takes no argument (its
query string), and every POST form that the caseworker pages render (random values for its fields).

The number of examples is bounded by the `casework` profile (tests/security/conftest.py) so that the
whole fuzz adds a few seconds; `HYPOTHESIS_PROFILE=explore` runs many more.
"""

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.db import models
from django.urls import get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.admin.conftest import world  # noqa: F401  (one row of every admin model in two organisations)
from tests.page_access_pages import GET_PAGES, PAGES, url_patterns

pytestmark = pytest.mark.django_db

# Values that broke (or could break) a parser, a lookup or a database: overflow, bad dates, NUL, markup.
NASTY = [
    "",
    "0",
    "-1",
    "1",
    str(2**63),
    str(-(2**63) - 1),
    str(10**30),
    "1e309",
    "nan",
    "abc",
    "2025-13-45",
    "0001-01-01",
    "9999-12-31",
    "2025-02-29",
    "true",
    "\x00",
    "a\x00b",
    "%",
    "'\"",
    "<script>",
    "1,2",
    "[]",
    '{"a": 1}',
    "00000000-0000-0000-0000-000000000000",
    "x" * 300,
]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=12), st.integers().map(str))
LOOKUPS = ["", "__exact", "__iexact", "__contains", "__in", "__gt", "__lte", "__isnull", "__year", "__id__exact"]


def _admin_parameters(model_admin: admin.ModelAdmin) -> list[str]:
    """Query parameters a changelist may receive: its filters', its fields' with lookups, and the controls."""
    names = {"q", "o", "p", "e", "all", "_to_field", "_popup"}
    for entry in model_admin.list_filter:
        if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
            names.add(entry.parameter_name)
            continue
        path = entry[0] if isinstance(entry, list | tuple) else entry
        names |= {f"{path}{lookup}" for lookup in LOOKUPS}
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    for field in model_admin.model._meta.get_fields():
        if isinstance(field, models.Field):
            names |= {f"{field.name}{lookup}" for lookup in LOOKUPS}
    return sorted(names)


ADMIN_PAGES = sorted(
    (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", _admin_parameters(model_admin))
    for model, model_admin in admin.site._registry.items()
)


def test_no_admin_changelist_query_answers_with_a_server_error(client, superuser, world):  # noqa: F811
    client.force_login(superuser)

    for url_name, parameters in ADMIN_PAGES:
        _fuzz_query(client, reverse(url_name), parameters)


def _fuzz_query(client: Any, url: str, parameters: list[str], *, htmx: bool = False) -> None:
    """GET `url` with one to three of `parameters` set to random values."""

    @given(st.dictionaries(st.sampled_from(parameters), VALUES, min_size=1, max_size=3))
    def check(query: dict[str, str]) -> None:
        response = client.get(url, query, headers={"HX-Request": "true"} if htmx and len(query) % 2 else {})
        assert response.status_code < 500, (url, query)

    check()


def _pages_without_arguments() -> list[str]:
    """URL names of every GET page outside the admin whose URL takes no argument."""
    names = [name for name, pattern in url_patterns() if not pattern.pattern.converters]
    return [name for name in names if PAGES[name].method == "get" and name != "health"]


def _list_parameters(url_name: str) -> list[str]:
    """The filter fields of the page's filter set (list views) plus the paging and sorting controls."""
    callback = get_resolver().resolve(reverse(url_name)).func
    filterset_class = getattr(getattr(callback, "view_class", None), "filterset_class", None)
    names = {"cursor", "sort", "page", "q", "next"}
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
        for name, declared in filterset_class.base_filters.items():
            if getattr(declared, "field_class", None) and "Range" in declared.field_class.__name__:
                names |= {f"{name}_after", f"{name}_before", f"{name}_min", f"{name}_max"}
    return sorted(names)


LIST_PAGES = _pages_without_arguments()


def test_no_query_string_of_a_page_answers_with_a_server_error(client, sensitive_supervisor_a, person_a):
    client.force_login(sensitive_supervisor_a)

    for url_name in LIST_PAGES:
        _fuzz_query(client, reverse(url_name), _list_parameters(url_name), htmx=True)


class FormParser(HTMLParser):
    """Every POST form of a page: its action and its fields, with the values a select offers."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            action = attributes.get("action") or attributes.get("hx-post") or self.page_url
            self._fields = {}
            self.forms.append((urljoin(self.page_url, action), self._fields))
        elif self._fields is not None and tag in ("input", "select", "textarea") and attributes.get("name"):
            values = self._fields.setdefault(attributes["name"], [])
            if attributes.get("value"):
                values.append(attributes["value"])
            self._select = attributes["name"] if tag == "select" else ""
        elif self._fields is not None and tag == "option" and self._select and attributes.get("value"):
            self._fields[self._select].append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None


def _forms_of_the_pages(client: Any, fixture: Any) -> dict[tuple[str, tuple[str, ...]], dict[str, list[str]]]:
    forms: dict[tuple[str, tuple[str, ...]], dict[str, list[str]]] = {}
    for name in GET_PAGES:
        url, data = PAGES[name].target(fixture)
        response = client.get(url, data)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for action, fields in parser.forms:
            if "/logout/" in action or "/i18n/" in action:
                continue
            forms.setdefault((action.split("?")[0], tuple(sorted(fields))), fields)
    return forms


def test_no_form_of_the_web_interface_answers_with_a_server_error(request, client, sensitive_supervisor_a):
    client.force_login(sensitive_supervisor_a)
    forms = _forms_of_the_pages(client, request.getfixturevalue)
    assert len(forms) > 10  # the walk found the pages' forms

    for (action, _names), fields in sorted(forms.items()):
        _fuzz_form(client, action, fields)


def _fuzz_form(client: Any, action: str, fields: dict[str, list[str]]) -> None:
    """POST random values (or the ones a select offers) for any subset of the form's fields."""
    strategies = {
        name: st.one_of(st.sampled_from(offered), VALUES) if offered else VALUES
        for name, offered in fields.items()
        if name != "csrfmiddlewaretoken"
    }

    @given(st.fixed_dictionaries({}, optional=strategies))
    def check(data: dict[str, str]) -> None:
        response = client.post(action, data)
        assert response.status_code < 500, (action, urlencode(data))

    check()

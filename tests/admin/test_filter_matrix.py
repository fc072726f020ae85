"""The access matrix of the admin's changelists, filter by filter: every choice of every filter and a search, for
each role of organisation A, shows nothing of organisation B (nor, to an assigned-only user, of a case of A
outside their caseload), in the rows, the filter choices or the counts' labels."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# Marks of organisation B's records in tests/admin/conftest.py, and of a case of A assigned to nobody.
FOREIGN = ("ORGB-900001", "ORGB-900002", "ORGB-REQ-1", "ORGB-event", "caseworker_b", "Relief Org B")
UNASSIGNED = "ORGA-900777"


def _changelists(user) -> list[tuple[str, type]]:
    request = RequestFactory().get("/")
    request.user = user
    return sorted(
        (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", model)
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_permission(request)
    )


def _leaks(html: str, marks: tuple[str, ...]) -> list[str]:
    return [mark for mark in marks if mark in html]


def _query_dependent_text(model_admin, user, url: str) -> str | None:
    """What a changelist page shows that depends on its query string, rendered as the page renders it: every
    cell of its rows, its filters' choices (labels and counts), its date hierarchy and its result counts.

    None when the admin refuses the query (the page answers it with a redirect to `?e=1` or a 400). The rest of
    the page (header, search box, actions) is the same for every query: the unfiltered page is checked whole.
    Built through the admin's own changelist, without the template and the middleware around it, this costs a
    tenth of a page; an error in it fails the test as a server error of the page would.
    """
    request = RequestFactory().get(url)
    request.user = user
    try:
        changelist = model_admin.get_changelist_instance(request)
    except (IncorrectLookupParameters, SuspiciousOperation):
        return None
    changelist.formset = None  # as changelist_view sets it without list_editable
    parts = [str(changelist.result_count), str(changelist.full_result_count)]
    parts += [str(cell) for row in admin_list.results(changelist) for cell in row]
    parts += [str(choice["display"]) for spec in changelist.filter_specs for choice in spec.choices(changelist)]
    if changelist.date_hierarchy:
        hierarchy = admin_list.date_hierarchy(changelist) or {}
        parts += [str(choice.get("title", "")) for choice in hierarchy.get("choices", ())]
    return "\n".join(parts)


def _walk(client, user, marks: tuple[str, ...], searches: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Every changelist the user may view, unfiltered, with each choice of each filter, and with `searches` where
    it has a search box: the marks found in each page (the failures) and the unfiltered pages' HTML.

    The unfiltered page is fetched whole, through the middleware and the template; each filtered or searched
    variant is checked in what depends on its query (`_query_dependent_text`)."""
    failures: list[str] = []
    pages: list[str] = []
    for url_name, model in _changelists(user):
        url = reverse(url_name)
        response = client.get(url)
        assert response.status_code == 200, (url_name, response.status_code)
        pages.append(response.content.decode())
        failures += [f"{url_name}: {mark}" for mark in _leaks(pages[-1], marks)]
        changelist = response.context["cl"]
        queries = {choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
        if changelist.search_fields:
            queries |= set(searches)
        model_admin = admin.site._registry[model]
        for query in sorted(queries):
            text = _query_dependent_text(model_admin, user, url + query)
            if text is not None:
                failures += [f"{url_name}{query}: {mark}" for mark in _leaks(text, marks)]
    return failures, pages


@pytest.mark.parametrize("role", ["supervisor_a", "auditor_a", "fieldworker_a"])
def test_no_filter_choice_or_search_of_any_changelist_shows_another_scope(role, request, world, client, org_a):
    user = request.getfixturevalue(role)
    factories.PersonFactory(organisation=org_a, case_number=UNASSIGNED)
    marks = FOREIGN + ((UNASSIGNED,) if user.sees_assigned_only else ())
    client.force_login(user)
    # Not the whole mark: the search box shows the text searched.
    failures, _pages = _walk(client, user, marks, searches=("?q=ORGB", "?q=900777", "?q=900001"))
    assert not failures, "\n".join(failures)

"""Every page of the caseworker interface against every role.

The URL patterns are enumerated from the URL configuration (everything but the Django admin), so a
new page without an entry in PAGES fails `test_every_page_has_an_access_case`. For each page and
role the expected answer follows from the role's permissions (`casework.accounts.roles`, the source
of truth) and from scope:

- anonymous → redirect to the login page (except the few pages marked public);
- a missing capability → 403, checked before the lookup so that it never tells whether a record exists;
- a record outside the user's scope → 404: the other organisation's caseworker and supervisor, and the
  assigned-only caseworker (the records here are about a case assigned to someone else);
- otherwise the page answers (2xx, or a redirect that is not to the login page).
"""

from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from casework.accounts import roles
from tests import factories
from tests.page_access_pages import GET_PAGES, LOGIN, OK, PAGES, REDIRECT, ROLES, expected, url_patterns

pytestmark = pytest.mark.django_db


# Pages every logged-in user may open whatever their role: their own account, and the home page
# (which shows a user in no role nothing). Every other page declares the capability it needs.
WITHOUT_PERMISSION = {
    "home",
    "profile",
    "logout",
    "password_change",
    "password_change_done",
    "second_factor",
    "second_factor_setup",
    "backup_codes_renew",
    "session_end",
}


def declared_permissions(callback: Any) -> tuple[str, ...]:
    """What a view declares: `core.views.permission_required` on a function, `permission_required` on a class."""
    if hasattr(callback, "required_permissions"):
        return tuple(callback.required_permissions)
    declared = getattr(getattr(callback, "view_class", None), "permission_required", None)
    if isinstance(declared, str):
        return (declared,)
    return tuple(declared or ())


def test_every_page_declares_the_permission_it_needs():
    undeclared = []
    for name, pattern in url_patterns():
        callback = pattern.callback
        public = getattr(callback, "login_required", True) is False  # marked @login_not_required
        if public or name in WITHOUT_PERMISSION:
            continue
        declared = declared_permissions(callback)
        if not declared:
            undeclared.append(name)
        # The page's declared capability, or the view permission of the person its records belong to.
        elif PAGES[name].needs not in declared and declared != ("people.view_person",):
            undeclared.append(f"{name}: declares {declared}, the matrix expects {PAGES[name].needs}")

    assert undeclared == []


def test_every_page_has_an_access_case():
    enumerated = {name for name, _pattern in url_patterns()}

    assert enumerated - set(PAGES) == set(), "pages without an access case: add them to PAGES"
    assert set(PAGES) - enumerated == set(), "PAGES lists pages that no longer exist"


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_answers_each_role_as_its_permissions_and_scope_say(request, client, name, role):
    page = PAGES[name]
    url, data = page.target(request.getfixturevalue)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = getattr(client, page.method)(url, data)

    want = expected(page, role)
    login_url = resolve_url(settings.LOGIN_URL)
    location = response.get("Location", "")
    if want == LOGIN:
        assert response.status_code == 302 and location.startswith(login_url), (response.status_code, location)
    elif want == REDIRECT:
        assert response.status_code == 302, response.status_code
    elif want == OK:
        assert response.status_code < 400, response.status_code
        assert not (response.status_code == 302 and location.startswith(login_url)), location
    else:
        assert response.status_code == want, response.status_code


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_labels_every_control_and_declares_its_language(request, client, sensitive_supervisor_a, name):
    from tests.web.test_accessibility import parse, unlabelled_controls

    url, data = PAGES[name].target(request.getfixturevalue)
    client.force_login(sensitive_supervisor_a)

    response = client.get(url, data)

    assert response.status_code == 200, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        page = parse(response)
        assert page.html_attrs.get("lang") == "en" and page.html_attrs.get("dir") == "ltr"
        assert unlabelled_controls(page) == []


# --- The organisation's second-factor setting ---------------------------------------------------------

SECOND_FACTOR_STEP = {"second_factor", "second_factor_setup", "logout"}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_password_alone_opens_a_page_only_where_the_organisation_allows_it(request, client, org_a, name):
    """A caseworker without admin access logged in with the password only: every page sends them to the
    second factor while their organisation requires it for everyone (the default); once it does not,
    the same session gets what a caseworker gets."""
    from tests.security.test_second_factor import password_step

    page = PAGES[name]
    url, data = page.target(request.getfixturevalue)
    user = factories.UserFactory(username="plain_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=False)
    password_step(client, user)

    strict = getattr(client, page.method)(url, data)
    org_a.require_second_factor_for_all = False
    org_a.save(update_fields=["require_second_factor_for_all"])
    relaxed = getattr(client, page.method)(url, data)

    to_step = (reverse("second_factor"), reverse("second_factor_setup"))
    if not page.public and name not in SECOND_FACTOR_STEP:
        assert strict.status_code == 302 and strict["Location"].startswith(to_step), strict.status_code
        # Not sent to give a code (a user without a factor may be offered to enrol one: new backup codes).
        assert relaxed.get("Location", "").split("?")[0] != reverse("second_factor")
        want = expected(page, "caseworker_a")
        if want == OK:
            assert relaxed.status_code < 400, relaxed.status_code
        elif isinstance(want, int):
            assert relaxed.status_code == want, relaxed.status_code

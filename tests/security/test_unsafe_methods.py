"""A page that only reads answers PUT, PATCH and DELETE with 405, like every other page (found by the probe:
the home page answered 200 to them)."""

import pytest

from tests.page_access_pages import GET_PAGES, PAGES

pytestmark = pytest.mark.django_db


def test_no_page_answers_put_patch_or_delete(request, client, sensitive_supervisor_a):
    client.force_login(sensitive_supervisor_a)
    answered = []
    for name in GET_PAGES:
        url, _data = PAGES[name].target(request.getfixturevalue)
        for method in ("put", "patch", "delete"):
            status = getattr(client, method)(url).status_code
            if status != 405:
                answered.append((name, method, status))

    assert answered == [], "\n".join(map(str, answered))

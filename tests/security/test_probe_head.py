"""Every page that answers GET answers HEAD the same way (HTTP requires HEAD wherever GET is served).

Found by the probe: most record, request, facility, import and account pages answered HEAD with 405 (their
views allowed GET, or GET and POST, but not HEAD), so monitors and link checkers saw them as broken.
"""

import pytest

from tests.page_access_pages import GET_PAGES, PAGES

pytestmark = pytest.mark.django_db


def test_every_page_answers_head_as_it_answers_get(request, client, sensitive_supervisor_a):
    client.force_login(sensitive_supervisor_a)
    different = []
    for name in GET_PAGES:
        url, data = PAGES[name].target(request.getfixturevalue)
        get = client.get(url, data)
        head = client.head(url, data)
        if head.status_code != get.status_code:
            different.append((name, get.status_code, head.status_code))

    assert different == []

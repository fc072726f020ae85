"""The person admin's custody-entry inline offers only the person's own screenings, in a fixed number of queries.

Found by crawling the demo data: the inline's screening select listed every screening of the organisation and
loaded each one's person for its label (one query per screening; 705 queries on the add page with 2,000 demo
persons, and once more for every custody entry on a change page).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.legal.factories import CustodyEntryFactory, HearingFactory, LegalProceedingFactory

pytestmark = pytest.mark.django_db


def _options(html: str, prefix: str, field: str) -> set[str]:
    """The values offered by the inline rows' selects of `field` (the empty form's included)."""
    options = set()
    for select in re.findall(rf'<select name="{prefix}-[^"]*{field}"[^>]*>(.*?)</select>', html, re.S):
        options |= set(re.findall(r'<option value="(\d+)"', select))
    return options


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_custody_entry_inline_offers_the_persons_own_screenings(client, supervisor_a, org_a, person_a):
    own = factories.ScreeningFactory(person=person_a)
    CustodyEntryFactory(person=person_a, screening=own)
    others = [factories.ScreeningFactory(person=factories.PersonFactory(organisation=org_a)) for _ in range(3)]
    client.force_login(supervisor_a)

    response, _count = _get(client, reverse("admin:people_person_change", args=[person_a.pk]))

    assert _options(response.content.decode(), "custody_entries", "screening") == {str(own.pk)}
    assert not {str(s.pk) for s in others} & _options(response.content.decode(), "custody_entries", "screening")


def test_the_hearing_inline_offers_the_persons_own_proceedings(client, sensitive_supervisor_a, org_a, person_a):
    own = HearingFactory(person=person_a, proceeding=LegalProceedingFactory(person=person_a)).proceeding
    others = [LegalProceedingFactory(person=factories.PersonFactory(organisation=org_a)) for _ in range(3)]
    client.force_login(sensitive_supervisor_a)

    response, _count = _get(client, reverse("admin:people_person_change", args=[person_a.pk]))

    offered = _options(response.content.decode(), "hearings", "proceeding")
    assert str(own.pk) in offered
    assert not {str(p.pk) for p in others} & offered


def test_the_person_admin_pages_do_not_query_once_per_screening_of_the_organisation(client, supervisor_a, org_a):
    person = factories.PersonFactory(organisation=org_a)
    CustodyEntryFactory(person=person)
    CustodyEntryFactory(person=person)
    client.force_login(supervisor_a)
    add = reverse("admin:people_person_add")
    change = reverse("admin:people_person_change", args=[person.pk])
    _get(client, add)  # warm the per-process caches (content types, permissions)
    _get(client, change)

    counts = []
    for _ in range(2):
        counts.append((_get(client, add)[1], _get(client, change)[1]))
        for _ in range(5):
            factories.ScreeningFactory(person=factories.PersonFactory(organisation=org_a))

    assert counts[0] == counts[1]

"""The read log, page by page: every page of the caseworker interface reached through a record of a person
(the page-access matrix's `PAGES` with a record of organisation A) writes an access event naming a person,
in one INSERT. A new page about a person fails here until it logs its reading or says why it reads nobody."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.core.models import AccessEvent
from casework.imports.choices import BatchStatus, RowAction
from casework.imports.models import ImportRow
from tests import factories
from tests.page_access_pages import OK, PAGES, expected
from tests.security.test_access_log import _access_inserts

pytestmark = pytest.mark.django_db

READER = "sensitive_supervisor_a"  # sees every page and every field

# Pages reached through a record that show no person's data, each with the reason.
READS_NOBODY = {
    "policies:policy_update": "a State's policy, no person",
    "imports:batch_progress": "the progress bar of a batch; without htmx it is the batch page, logged there",
    "people:person_access_log": "who has seen the case: the log itself, read by those who audit it",
    "dossiers:section": "the list of a request's dossiers and the form to generate one: no person named",
}

# Pages that show persons only when there is something to show: the records that make them show one.
SHOWING = {
    "govrequests:request_followup": "followup",  # an open follow-up draft listing person_a
    "govrequests:request_add_persons": "household_member",  # offered to be added to the draft
    "imports:batch_detail": "checked_batch",  # a dry run that found person_a as a possible duplicate
}

GET_RECORD_PAGES = sorted(
    name
    for name, page in PAGES.items()
    if page.method == "get" and page.record and expected(page, READER) == OK and name not in READS_NOBODY
)


@pytest.fixture
def household_member(org_a, person_a, caseworker_a):
    """Someone sharing person_a's household, not on the draft."""
    household = factories.HouseholdFactory(organisation=org_a)
    person_a.household = household
    person_a.save(update_fields=["household"])
    return factories.PersonFactory(organisation=org_a, household=household, assigned_to=caseworker_a)


@pytest.fixture
def checked_batch(request, person_a):
    """The import batch once its dry run found that its row 2 may be person_a."""
    batch = request.getfixturevalue("import_batch")
    batch.status = BatchStatus.CHECKED
    batch.save(update_fields=["status"])
    ImportRow.objects.create(
        batch=batch,
        number=2,
        action=RowAction.CREATE,
        values={"given_name_lat": "Amina"},
        duplicates={"persons": [{"id": person_a.pk, "case_number": person_a.case_number}]},
    )
    return batch


def test_every_exemption_is_a_page_of_the_matrix():
    assert set(READS_NOBODY) | set(SHOWING) <= set(PAGES)


@pytest.mark.parametrize("name", GET_RECORD_PAGES)
def test_every_page_about_a_person_logs_the_reading_in_one_insert(request, client, name):
    page = PAGES[name]
    if name in SHOWING:
        request.getfixturevalue(SHOWING[name])
    url, data = page.target(request.getfixturevalue)
    client.force_login(request.getfixturevalue(READER))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    assert response.status_code == 200, response.status_code
    assert _access_inserts(queries.captured_queries) == 1
    assert AccessEvent.objects.exclude(person_id=None).filter(view=name).exists(), "no person logged"

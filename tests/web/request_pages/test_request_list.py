"""Government request list: who sees which requests, filters, query counts, keyset pages."""

import functools
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from casework.govrequests import selectors
from casework.govrequests.models import GovernmentRequest
from tests import factories
from tests.web.request_pages.helpers import CREATE_URL, LIST_URL, RS, reads_of, references, url

pytestmark = pytest.mark.django_db


# --- List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "auditor_a"])
def test_roles_of_organisation_a_list_its_requests_and_never_organisation_b(
    request, client_for, role, request_a, request_b
):
    response = client_for(request.getfixturevalue(role)).get(LIST_URL)

    assert response.status_code == 200
    assert references(response) == [request_a.reference]
    html = response.content.decode()
    assert "Ministry of Foreign Affairs" in html
    assert "France" in html


def test_superuser_lists_every_organisation(client_for, superuser, request_a, request_b):
    response = client_for(superuser).get(LIST_URL)

    assert set(references(response)) == {request_a.reference, request_b.reference}


def test_assigned_only_caseworker_lists_only_requests_covering_their_cases(
    client_for, fieldworker_a, org_a, request_a, authority
):
    mine = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a)
    theirs = factories.RequestedPersonFactory(request__organisation=org_a, request__authority=authority, person=mine)

    response = client_for(fieldworker_a).get(LIST_URL)

    assert references(response) == [theirs.request.reference]


def test_user_without_the_view_capability_is_refused_the_list(client_for, org_a, request_a):
    nobody = factories.UserFactory(organisation=org_a)

    assert client_for(nobody).get(LIST_URL).status_code == 403


def test_anonymous_user_is_sent_to_login(client, request_a):
    for target in (LIST_URL, CREATE_URL, url("request_detail", request_a), url("request_summary", request_a)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_list_shows_the_persons_count_and_the_dates(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(LIST_URL)

    row = response.context["rows"][0]
    assert row[0].person_count == 3
    assert row[1].days_since_sent == (date.today() - date(2025, 1, 10)).days


@pytest.fixture
def varied_requests(org_a, authority):
    """Requests of organisation A in different states and to different States, keyed by nickname."""
    morocco = factories.GovernmentAuthorityFactory(country="MA", name="Ministère des Affaires étrangères")
    made = functools.partial(factories.request_days_ago, date.today(), organisation=org_a)
    return {
        "draft": factories.GovernmentRequestFactory(organisation=org_a, authority=authority, reference="A-DRAFT"),
        "unacknowledged": made(
            authority=authority, reference="A-UNACK", status=RS.SUBMITTED, drafted_on=30, submitted_on=20
        ),
        "fresh": made(authority=morocco, reference="A-FRESH", status=RS.SUBMITTED, drafted_on=5, submitted_on=3),
        "waiting_decision": made(
            authority=morocco,
            reference="A-NODECISION",
            status=RS.ACKNOWLEDGED,
            drafted_on=100,
            submitted_on=90,
            acknowledged_on=70,
        ),
        "past_due": made(
            authority=authority,
            reference="A-PASTDUE",
            status=RS.INFORMATION_REQUESTED,
            drafted_on=20,
            submitted_on=10,
            acknowledged_on=5,
            answer_due_on=1,
        ),
        "refused": made(
            authority=authority, reference="A-REFUSED", status=RS.REFUSED, drafted_on=400, submitted_on=390
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "MA"}, {"fresh", "waiting_decision"}),
        ({"status": "submitted"}, {"unacknowledged", "fresh"}),
        ({"overdue": "true"}, {"unacknowledged", "waiting_decision", "past_due"}),
        ({"overdue": "false"}, {"draft", "fresh", "refused"}),
        ({"reference": "pastdue"}, {"past_due"}),
        ({"state": "FR", "overdue": "true"}, {"unacknowledged", "past_due"}),
    ],
)
def test_list_filters(client_for, caseworker_a, varied_requests, params, expected):
    response = client_for(caseworker_a).get(LIST_URL, params)

    assert set(references(response)) == {varied_requests[key].reference for key in expected}
    assert response.context["total"] == len(expected)


def test_list_filters_by_authority_public_id(client_for, caseworker_a, varied_requests):
    morocco = varied_requests["fresh"].authority

    response = client_for(caseworker_a).get(LIST_URL, {"authority": str(morocco.public_id)})

    assert set(references(response)) == {"A-FRESH", "A-NODECISION"}


def test_invalid_filter_shows_an_error_and_no_rows(client_for, caseworker_a, varied_requests):
    response = client_for(caseworker_a).get(LIST_URL, {"status": "nonsense"})

    assert references(response) == []
    assert response.context["filter"].form.errors["status"]


def test_overdue_filter_matches_the_home_page_selector(caseworker_a, varied_requests):
    listed = set(
        GovernmentRequest.objects.filter(selectors.overdue_condition(today=date.today())).values_list(
            "reference", flat=True
        )
    )
    home = {r.reference for r in selectors.overdue_requests(user=caseworker_a)}

    assert listed == home


def test_overdue_request_shows_days_overdue_in_the_clock(client_for, caseworker_a, varied_requests):
    html = client_for(caseworker_a).get(LIST_URL, {"reference": "A-UNACK"}).content.decode()

    assert "20 days since sent" in html
    assert "6 days overdue" in html


def test_htmx_request_gets_only_the_table(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).get(LIST_URL, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="request-table"')
    assert "<html" not in html


def _make_requests(org, authority, count: int) -> None:
    for index in range(count):
        gov_request = factories.GovernmentRequestFactory(
            organisation=org, authority=authority, submitted=True, drafted_on=date(2024, 1, 1) + timedelta(days=index)
        )
        factories.RequestedPersonFactory.create_batch(2, request=gov_request)


# Reads of the list: session, user, user permissions, group permissions, the page (with persons
# count and authority), the count, and the authority choices of the filter form.
LIST_READS = 7


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, rows
):
    _make_requests(org_a, authority, rows)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(LIST_READS + 3) as captured:
        response = client.get(LIST_URL, {"state": "FR"})

    assert len(references(response)) == min(rows, 25)
    reads = reads_of(captured)
    assert len(reads) == LIST_READS, "\n".join(q["sql"][:150] for q in reads)


def test_list_pages_with_keyset_cursors(client_for, caseworker_a, org_a, authority):
    _make_requests(org_a, authority, 30)
    client = client_for(caseworker_a)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"cursor": first.context["page"].next_cursor})

    assert len(references(first)) == 25
    assert len(references(second)) == 5
    assert not set(references(first)) & set(references(second))

"""The pages of a request whose decisions move the cases: messages, timeline links, the clock, query counts."""

from datetime import date

import pytest
from django.urls import reverse

from casework.govrequests import services
from casework.govrequests.choices import Decision, EventKind
from casework.govrequests.models import GovernmentRequest
from casework.people.choices import CaseStatus
from casework.people.models import Person
from tests import factories
from tests.web.request_pages.helpers import reads_of

pytestmark = pytest.mark.django_db


def url(name: str, gov_request: GovernmentRequest) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id])


def _sent_request(org, actor, count: int) -> GovernmentRequest:
    persons = [factories.PersonFactory(organisation=org, status=CaseStatus.READY_FOR_REQUEST) for _ in range(count)]
    gov_request = services.gov_request_create(
        authority=factories.GovernmentAuthorityFactory(country="FR"),
        persons=persons,
        actor=actor,
        drafted_on=date(2025, 1, 2),
    )
    services.gov_request_record_event(
        gov_request=gov_request, kind=EventKind.SUBMITTED, occurred_on=date(2025, 1, 5), actor=actor
    )
    return GovernmentRequest.objects.get(pk=gov_request.pk)


def test_recording_decisions_on_the_page_moves_the_cases_and_shows_a_refusal_with_its_reason(
    client_for, supervisor_a, org_a
):
    gov_request = _sent_request(org_a, supervisor_a, 2)
    moved, on_hold = [row.person for row in gov_request.covered.order_by("person__case_number")]
    Person.objects.filter(pk=on_hold.pk).update(status=CaseStatus.ON_HOLD)
    data = {"decisions-decided_on": "2025-03-01", "decisions-note": ""}
    for person in (moved, on_hold):
        data[f"decisions-decision_{person.public_id.hex}"] = Decision.ACCEPTED

    response = client_for(supervisor_a).post(url("request_record_decisions", gov_request), data, follow=True)

    assert Person.objects.get(pk=moved.pk).status == CaseStatus.ACCEPTED
    assert Person.objects.get(pk=on_hold.pk).status == CaseStatus.ON_HOLD
    shown = [str(message) for message in response.context["messages"]]
    assert any(on_hold.case_number in text and "On hold" in text for text in shown), shown


def test_the_timeline_links_an_automatic_move_to_its_request(client_for, supervisor_a, org_a):
    gov_request = _sent_request(org_a, supervisor_a, 1)
    person = gov_request.covered.get().person

    html = client_for(supervisor_a).get(person.get_absolute_url()).content.decode()

    assert f'href="{gov_request.get_absolute_url()}" data-cause' in html
    assert f"Moved by request {gov_request.reference}" in html


def test_the_request_page_shows_a_paused_clock(client_for, supervisor_a, org_a):
    gov_request = _sent_request(org_a, supervisor_a, 1)
    services.gov_request_record_event(
        gov_request=gov_request,
        kind=EventKind.INFORMATION_REQUESTED,
        occurred_on=date(2025, 2, 1),
        due_on=date(2025, 3, 1),
        actor=supervisor_a,
    )

    html = client_for(supervisor_a).get(url("request_detail", gov_request)).content.decode()

    assert 'data-clock="paused"' in html
    assert "the State asked for information" in html


def test_the_request_page_reads_as_many_queries_whatever_the_number_of_decisions(
    client_for, supervisor_a, org_a, django_assert_max_num_queries
):
    counts = []
    for count in (2, 6):  # both with accepted and refused persons (the family check reads only then)
        gov_request = _sent_request(org_a, supervisor_a, count)
        persons = [row.person for row in gov_request.covered.all()]
        services.gov_request_record_decisions(
            gov_request=gov_request,
            decisions={p: Decision.ACCEPTED if i % 2 else Decision.REFUSED for i, p in enumerate(persons)},
            decided_on=date(2025, 3, 1),
            actor=supervisor_a,
        )
        client = client_for(supervisor_a)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url("request_detail", gov_request)).status_code == 200
        counts.append(len(reads_of(captured)))

    assert counts[0] == counts[1]

"""Pages: the State-policy warning when drafting a request or adding persons, the policy shown on the
request and person pages, the family-unity warning on the request page, the handover plan and the home
page, and the State-policies page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import Decision, EventKind, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestEvent
from casework.people import services as people_services
from casework.people.choices import Relation, Sex
from casework.policies.choices import TakesBack
from casework.policies.models import StatePolicy
from casework.policies.services import OutsidePolicy
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")


@pytest.fixture
def children_only(authority):
    return factories.StatePolicyFactory(
        country="FR", valid_from=date(2019, 3, 1), takes_back=TakesBack.CHILDREN_ONLY, prosecutes_adults=True
    )


@pytest.fixture
def mother_and_child(org_a, caseworker_a):
    mother = factories.PersonFactory(organisation=org_a, sex=Sex.FEMALE, assigned_to=caseworker_a)
    child = factories.PersonFactory(organisation=org_a, child=True, assigned_to=caseworker_a, given_name_lat="Yusuf")
    people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=caseworker_a)
    return mother, child


def _create(client, authority, persons, **extra):
    data = {
        "action": "create",
        "persons": [str(p.public_id) for p in persons],
        "authority": str(authority.public_id),
        "channel": "email",
        **extra,
    }
    return client.post(reverse("govrequests:request_create"), data)


# --- The policy warning ---------------------------------------------------------------------------


def test_drafting_a_request_for_an_adult_to_a_children_only_state_warns_and_saves_nothing(
    client_for, caseworker_a, authority, children_only, mother_and_child
):
    mother, child = mother_and_child

    response = _create(client_for(caseworker_a), authority, [mother, child])

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="policy-warnings"' in html
    assert f'data-outside-policy="{mother.case_number}"' in html
    assert f'data-outside-policy="{child.case_number}"' not in html
    assert "takes back only children" in html
    assert not GovernmentRequest.objects.exists()


def test_going_on_with_a_reason_drafts_the_request_and_records_the_reason(
    client_for, caseworker_a, authority, children_only, mother_and_child
):
    mother, child = mother_and_child

    response = _create(
        client_for(caseworker_a), authority, [mother, child], policy_reason="The mother's case is under review."
    )

    gov_request = GovernmentRequest.objects.get()
    assert response.status_code == 302
    note = RequestEvent.objects.get(request=gov_request, kind=EventKind.NOTE)
    assert "under review" in note.description and mother.case_number in note.description
    assert child.case_number not in note.description
    audit = AuditEvent.objects.get(action="govrequests.request.outside_policy")
    assert audit.data["persons"] == [str(mother.public_id)] and audit.data["policy"] == str(children_only.public_id)


def test_adding_an_adult_to_a_draft_warns_then_goes_on_with_the_reason(
    client_for, caseworker_a, authority, children_only, mother_and_child
):
    mother, child = mother_and_child
    draft = services.gov_request_create(authority=authority, persons=[child], actor=caseworker_a)
    client = client_for(caseworker_a)
    add_url = reverse("govrequests:request_add_persons", args=[draft.public_id])

    warned = client.post(add_url, {"persons": [str(mother.public_id)]})

    assert warned.status_code == 200
    assert f'data-outside-policy="{mother.case_number}"' in warned.content.decode()
    assert draft.covered.count() == 1

    added = client.post(add_url, {"persons": [str(mother.public_id)], "policy_reason": "Family unity."})

    assert added.status_code == 302
    assert draft.covered.count() == 2
    assert RequestEvent.objects.filter(
        request=draft, kind=EventKind.NOTE, description__contains="Family unity"
    ).exists()


def test_the_service_refuses_persons_outside_the_policy_without_a_reason(
    caseworker_a, authority, children_only, mother_and_child
):
    mother, _child = mother_and_child

    with pytest.raises(OutsidePolicy) as refused:
        services.gov_request_create(authority=authority, persons=[mother], actor=caseworker_a)

    assert [person for person, _reasons in refused.value.warnings] == [mother]


def test_no_warning_without_a_policy_for_the_state(client_for, caseworker_a, authority, mother_and_child):
    response = _create(client_for(caseworker_a), authority, list(mother_and_child))

    assert response.status_code == 302


# --- The policy on the request and person pages -----------------------------------------------------


def test_the_request_page_shows_the_states_current_policy(
    client_for, caseworker_a, org_a, authority, children_only, mother_and_child
):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)

    html = client_for(caseworker_a).get(reverse("govrequests:request_detail", args=[gov_request.public_id])).content
    html = html.decode()

    assert f'data-policy="{children_only.public_id}"' in html
    assert "Children only" in html


def test_the_person_page_shows_the_policy_of_each_claimed_state_and_why_the_person_falls_outside(
    client_for, caseworker_a, children_only, mother_and_child
):
    mother, _child = mother_and_child
    factories.NationalityClaimFactory(person=mother, country="FR")
    factories.NationalityClaimFactory(person=mother, country="BE", is_primary=False)

    html = client_for(caseworker_a).get(reverse("people:person_detail", args=[mother.public_id])).content.decode()

    assert 'data-policy-state="FR"' in html and 'data-policy-state="BE"' in html
    assert f'data-policy="{children_only.public_id}"' in html
    assert "Outside this State&#x27;s current policy" in html or "Outside this State's current policy" in html


# --- The family-unity warning -------------------------------------------------------------------------


@pytest.fixture
def split_request(org_a, authority, mother_and_child):
    mother, child = mother_and_child
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, acknowledged=True, status=RequestStatus.PARTIALLY_ACCEPTED
    )
    factories.RequestedPersonFactory(request=gov_request, person=mother, decision=Decision.REFUSED)
    factories.RequestedPersonFactory(request=gov_request, person=child, decision=Decision.ACCEPTED)
    return gov_request


def test_the_request_page_names_who_a_split_decision_would_separate(
    client_for, caseworker_a, split_request, mother_and_child
):
    mother, child = mother_and_child

    html = client_for(caseworker_a).get(reverse("govrequests:request_detail", args=[split_request.public_id]))
    html = html.content.decode()

    assert 'id="family-unity-warning"' in html
    assert f"{child.case_number} Yusuf" in html and mother.case_number in html


def test_an_assigned_only_caseworker_is_warned_without_the_names_of_persons_outside_their_caseload(
    client_for, fieldworker_a, split_request, mother_and_child
):
    mother, child = mother_and_child
    child.assigned_to = fieldworker_a
    child.save()

    html = client_for(fieldworker_a).get(reverse("govrequests:request_detail", args=[split_request.public_id]))
    html = html.content.decode()

    assert 'id="family-unity-warning"' in html
    assert child.case_number in html
    assert mother.case_number not in html and "a person outside your caseload" in html


@pytest.mark.parametrize("families", [1, 5])
def test_the_request_page_reads_a_constant_number_of_queries_as_decisions_grow(
    client_for, supervisor_a, org_a, authority, django_assert_max_num_queries, families
):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, acknowledged=True, status=RequestStatus.PARTIALLY_ACCEPTED
    )
    for _ in range(families):
        mother = factories.PersonFactory(organisation=org_a)
        child = factories.PersonFactory(organisation=org_a, child=True)
        people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=supervisor_a)
        factories.RequestedPersonFactory(request=gov_request, person=mother, decision=Decision.REFUSED)
        factories.RequestedPersonFactory(request=gov_request, person=child, decision=Decision.ACCEPTED)
    client = client_for(supervisor_a)

    with django_assert_max_num_queries(40) as captured:
        response = client.get(reverse("govrequests:request_detail", args=[gov_request.public_id]))

    assert response.content.decode().count("would leave without their mother") == families
    reads = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]
    # The request page's reads (test_requests.DETAIL_READS) plus the family links of the covered
    # persons and whom of the separated the user may see.
    assert len(reads) == 13 + 2, "\n".join(q["sql"][:150] for q in reads)


def test_the_home_page_flags_requests_that_would_split_a_family(
    client_for, caseworker_a, split_request, mother_and_child
):
    _mother, child = mother_and_child

    html = client_for(caseworker_a).get("/").content.decode()

    assert 'id="split-families"' in html
    assert split_request.reference in html and child.case_number in html


def test_the_handover_plan_shows_the_separation_before_it_is_planned(
    client_for, supervisor_a, split_request, mother_and_child
):
    mother, child = mother_and_child
    client = client_for(supervisor_a)
    plan_url = reverse("govrequests:handover_plan", args=[split_request.public_id])

    page = client.get(plan_url).content.decode()
    refused = client.post(
        plan_url,
        {
            "handover-persons": [child.public_id.hex],
            "handover-planned_on": (TODAY + timedelta(days=5)).isoformat(),
            "handover-place": "Semalka",
        },
    )

    assert 'id="family-unity-warning"' in page and mother.case_number in page
    assert refused.status_code == 200
    assert "best-interests determination" in refused.content.decode()
    assert not split_request.handovers.exists()


# --- The State-policies page --------------------------------------------------------------------------


def test_every_role_reads_the_policies_with_their_history(client_for, caseworker_a, children_only):
    factories.StatePolicyFactory(country="FR", valid_from=date(2017, 1, 1), takes_back=TakesBack.ORPHANS)

    html = client_for(caseworker_a).get(reverse("policies:policy_list")).content.decode()

    assert 'id="state-FR"' in html and "Orphans only" in html and "Children only" in html
    assert "Record a policy" not in html


def test_an_organisation_admin_records_a_change_of_policy_for_their_organisation(client_for, orgadmin_a, children_only):
    response = client_for(orgadmin_a).post(
        reverse("policies:policy_create"),
        {
            "country": "FR",
            "valid_from": "2022-07-01",
            "takes_back": TakesBack.MOTHERS_WITH_CHILDREN,
            "channel": "note_verbale",
            "language": "fr",
            "usual_answer_days": "90",
            "authority": "Ministère de l'Europe et des Affaires étrangères",
            "sources": "Synthetic statement, July 2022.",
        },
    )

    assert response.status_code == 302
    new = StatePolicy.objects.get(valid_from=date(2022, 7, 1))
    assert new.organisation_id == orgadmin_a.organisation_id
    assert StatePolicy.objects.filter(country="FR").count() == 2


def test_an_age_rule_without_its_limit_is_a_form_error(client_for, orgadmin_a):
    response = client_for(orgadmin_a).post(
        reverse("policies:policy_create"),
        {"country": "BE", "valid_from": "2022-07-01", "takes_back": TakesBack.CHILDREN_UNDER_AGE},
    )

    assert response.status_code == 200
    assert not StatePolicy.objects.exists()


def test_a_shared_default_cannot_be_edited_by_an_organisation_admin(client_for, orgadmin_a, children_only):
    edit = reverse("policies:policy_update", args=[children_only.public_id])

    assert client_for(orgadmin_a).get(edit).status_code == 404

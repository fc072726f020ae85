"""Request pages beyond the first draft: adding and removing persons of a draft, handover operations.

Each endpoint: allowed roles, another organisation (404), a missing capability (403), bad input
(field errors, nothing saved), and that the detail page's query count does not grow with rows.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.govrequests.models import GovernmentRequest, HandoverOperation, RequestedPerson
from casework.matching.selectors import MAX_CANDIDATES
from tests import factories

pytestmark = pytest.mark.django_db
RS = RequestStatus


def url(name: str, gov_request: GovernmentRequest, *extra) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id, *extra])


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")


@pytest.fixture
def household_a(org_a, caseworker_a):
    """A mother, her two children and her sister, all of organisation A, in one household."""
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(
        organisation=org_a, assigned_to=caseworker_a, household=household, given_name_lat="Amina"
    )
    children = [
        factories.PersonFactory(organisation=org_a, household=household, child=True, given_name_lat=name)
        for name in ("Yusuf", "Maryam")
    ]
    aunt = factories.PersonFactory(organisation=org_a, household=household, given_name_lat="Khadija")
    return [mother, *children, aunt]


@pytest.fixture
def draft_a(caseworker_a, household_a, authority):
    """A draft covering the mother only."""
    return services.gov_request_create(authority=authority, persons=household_a[:1], actor=caseworker_a)


def covered_ids(gov_request) -> set[int]:
    return set(RequestedPerson.objects.filter(request=gov_request).values_list("person_id", flat=True))


# --- Adding persons to a draft ------------------------------------------------------------------


def test_add_page_offers_the_household_members_not_yet_covered(client_for, caseworker_a, draft_a, household_a):
    response = client_for(caseworker_a).get(url("request_add_persons", draft_a))

    assert response.status_code == 200
    assert response.context["household"] == sorted(household_a[1:], key=lambda p: p.case_number)
    html = response.content.decode()
    for person in household_a[1:]:
        assert f'data-household="{person.case_number}"' in html
        # Offered, not ticked: nobody is added without the user ticking them.
        assert f'id="household-{person.public_id}">' in html


def test_caseworker_adds_a_mothers_children_to_her_draft(client_for, caseworker_a, draft_a, household_a):
    mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"persons": [str(yusuf.public_id), str(maryam.public_id)]}
    )

    assert response.status_code == 302
    assert response["Location"] == url("request_detail", draft_a)
    assert covered_ids(draft_a) == {mother.pk, yusuf.pk, maryam.pk}
    assert AuditEvent.objects.filter(action="govrequests.request.persons_added", actor=caseworker_a).exists()


def test_search_on_the_add_page_finds_visible_persons_only(client_for, caseworker_a, draft_a, org_a, org_b):
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")
    factories.PersonFactory(organisation=org_b, given_name_lat="Zaynab", family_name_lat="Martin")

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"action": "search", "q": "zaynab martin"}
    )

    assert response.context["results"] == [other]


def test_search_on_the_add_page_is_posted_keeps_the_ticks_and_adds_nothing(
    client_for, caseworker_a, draft_a, household_a, org_a
):
    earlier = factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")
    # A given name the factory never cycles through: its "Khadija" could be one of household_a, depending on the
    # order the tests ran in, and the matcher rightly lists a same-given-name person too.
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Zubayda", family_name_lat="Weber")
    ticked = [str(household_a[1].public_id), str(earlier.public_id)]

    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"action": "search", "q": "zubayda weber", "persons": ticked}
    )

    assert response.status_code == 200
    assert response.context["results"] == [other]
    assert (household_a[1], True) in response.context["household_rows"]
    assert response.context["kept_rows"] == [(earlier, True)]
    assert list(draft_a.covered.values_list("person_id", flat=True)) == [household_a[0].pk]
    html = response.content.decode()
    assert 'name="action" value="search"' in html
    assert "?q=" not in html


def test_search_in_the_url_of_the_add_page_is_ignored(client_for, caseworker_a, draft_a, org_a):
    factories.PersonFactory(organisation=org_a, given_name_lat="Zaynab", family_name_lat="Martin")

    response = client_for(caseworker_a).get(url("request_add_persons", draft_a), {"q": "zaynab martin"})

    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["query"] == ""
    assert "Zaynab" not in response.content.decode()


@pytest.mark.parametrize(
    ("persons", "message"),
    [([], "Choose at least one person."), (["not-a-uuid"], "is not a valid UUID")],
)
def test_bad_add_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, draft_a, household_a, persons, message
):
    response = client_for(caseworker_a).post(url("request_add_persons", draft_a), {"persons": persons})

    assert response.status_code == 200
    assert "persons" in response.context["form"].errors
    html = response.content.decode()
    assert message in html
    assert 'href="#id_persons"' in html and 'id="id_persons"' in html
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_person_of_another_organisation_cannot_be_added(client_for, caseworker_a, draft_a, household_a, person_b):
    response = client_for(caseworker_a).post(
        url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]}
    )

    assert "persons" in response.context["form"].errors
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_superuser_cannot_add_a_person_of_another_organisation(client_for, superuser, draft_a, household_a, person_b):
    response = client_for(superuser).post(url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]})

    assert "persons" in response.context["form"].errors
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_persons_cannot_be_added_once_the_request_was_sent(client_for, caseworker_a, draft_a, household_a):
    GovernmentRequest.objects.filter(pk=draft_a.pk).update(status=RS.SUBMITTED, submitted_on=date.today())
    client = client_for(caseworker_a)

    assert client.get(url("request_add_persons", draft_a)).status_code == 302
    response = client.post(
        url("request_add_persons", draft_a), {"persons": [str(household_a[1].public_id)]}, follow=True
    )

    assert "only be added or removed while the request is a draft" in response.content.decode()
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_auditor_cannot_add_persons(client_for, auditor_a, draft_a, household_a):
    client = client_for(auditor_a)

    assert client.get(url("request_add_persons", draft_a)).status_code == 403
    assert (
        client.post(url("request_add_persons", draft_a), {"persons": [str(household_a[1].public_id)]}).status_code
        == 403
    )
    assert covered_ids(draft_a) == {household_a[0].pk}


def test_other_organisation_cannot_add_persons(client_for, caseworker_b, draft_a, household_a, person_b):
    client = client_for(caseworker_b)

    assert client.get(url("request_add_persons", draft_a)).status_code == 404
    assert client.post(url("request_add_persons", draft_a), {"persons": [str(person_b.public_id)]}).status_code == 404
    assert covered_ids(draft_a) == {household_a[0].pk}


# --- Removing a person from a draft -------------------------------------------------------------


@pytest.fixture
def family_draft(caseworker_a, household_a, authority):
    return services.gov_request_create(authority=authority, persons=household_a[:3], actor=caseworker_a)


def test_detail_of_a_draft_offers_add_and_remove(client_for, caseworker_a, family_draft, household_a):
    response = client_for(caseworker_a).get(url("request_detail", family_draft))

    assert response.context["can_edit_persons"]
    html = response.content.decode()
    assert url("request_add_persons", family_draft) in html
    for person in household_a[:3]:
        assert f'data-removable="{person.case_number}"' in html


def test_caseworker_removes_a_person_from_a_draft_and_it_is_recorded(
    client_for, caseworker_a, family_draft, household_a
):
    mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(
        url("request_remove_person", family_draft), {"person": str(maryam.public_id)}
    )

    assert response.status_code == 302
    assert covered_ids(family_draft) == {mother.pk, yusuf.pk}
    event = AuditEvent.objects.get(action="govrequests.request.person_removed")
    assert (event.actor, event.data) == (caseworker_a, {"person": str(maryam.public_id)})
    removal = RequestedPerson.history.filter(person_id=maryam.pk, history_type="-").get()
    assert removal.history_user == caseworker_a


def test_a_sent_request_offers_no_removal_and_refuses_one(client_for, caseworker_a, family_draft, household_a):
    GovernmentRequest.objects.filter(pk=family_draft.pk).update(status=RS.SUBMITTED, submitted_on=date.today())
    client = client_for(caseworker_a)

    detail = client.get(url("request_detail", family_draft))
    response = client.post(
        url("request_remove_person", family_draft), {"person": str(household_a[2].public_id)}, follow=True
    )

    assert not detail.context["can_edit_persons"]
    assert "data-removable" not in detail.content.decode()
    assert "only be removed while the request is a draft" in response.content.decode()
    assert len(covered_ids(family_draft)) == 3


def test_removing_a_person_not_covered_or_invisible_is_not_found(
    client_for, caseworker_a, fieldworker_a, family_draft, household_a
):
    assert (
        client_for(caseworker_a)
        .post(url("request_remove_person", family_draft), {"person": str(household_a[3].public_id)})
        .status_code
        == 404
    )
    assert (
        client_for(caseworker_a).post(url("request_remove_person", family_draft), {"person": "junk"}).status_code == 404
    )
    assert len(covered_ids(family_draft)) == 3


def test_assigned_only_caseworker_cannot_remove_a_colleagues_case(client_for, fieldworker_a, family_draft, household_a):
    mine = household_a[1]
    mine.assigned_to = fieldworker_a
    mine.save()
    client = client_for(fieldworker_a)

    refused = client.post(url("request_remove_person", family_draft), {"person": str(household_a[2].public_id)})
    allowed = client.post(url("request_remove_person", family_draft), {"person": str(mine.public_id)})

    assert refused.status_code == 404
    assert allowed.status_code == 302
    assert covered_ids(family_draft) == {household_a[0].pk, household_a[2].pk}


def test_auditor_and_other_organisation_cannot_remove(client_for, auditor_a, caseworker_b, family_draft, household_a):
    data = {"person": str(household_a[2].public_id)}

    assert client_for(auditor_a).post(url("request_remove_person", family_draft), data).status_code == 403
    assert client_for(caseworker_b).post(url("request_remove_person", family_draft), data).status_code == 404
    assert len(covered_ids(family_draft)) == 3


def test_remove_service_refuses_a_sent_request(caseworker_a, family_draft, household_a):
    GovernmentRequest.objects.filter(pk=family_draft.pk).update(status=RS.SUBMITTED, submitted_on=date.today())

    with pytest.raises(DomainError):
        services.gov_request_remove_person(gov_request=family_draft, person=household_a[1], actor=caseworker_a)
    assert len(covered_ids(family_draft)) == 3


# --- Handover operations ------------------------------------------------------------------------


@pytest.fixture
def accepted_request(supervisor_a, household_a, authority):
    """A request for the mother and her two children; the children accepted, the mother refused."""
    mother, yusuf, maryam, _aunt = household_a
    gov_request = services.gov_request_create(authority=authority, persons=[mother, yusuf, maryam], actor=supervisor_a)
    services.gov_request_transition(gov_request=gov_request, to=RS.SUBMITTED, actor=supervisor_a)
    services.gov_request_record_decisions(
        gov_request=gov_request,
        decisions={mother: Decision.REFUSED, yusuf: Decision.ACCEPTED, maryam: Decision.ACCEPTED},
        decided_on=timezone.localdate(),
        actor=supervisor_a,
    )
    gov_request.refresh_from_db()
    assert gov_request.status == RS.PARTIALLY_ACCEPTED
    return gov_request


def _plan_data(persons, **extra):
    return {
        "handover-persons": [p.public_id.hex for p in persons],
        "handover-planned_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "handover-place": "Semalka crossing",
        "handover-receiving_delegation": "Consular delegation",
        **extra,
    }


def test_plan_page_offers_only_the_accepted_persons(client_for, caseworker_a, accepted_request, household_a):
    response = client_for(caseworker_a).get(url("handover_plan", accepted_request))

    assert response.status_code == 200
    offered = {value for value, _label in response.context["form"].fields["persons"].choices}
    assert offered == {household_a[1].public_id.hex, household_a[2].public_id.hex}


def test_caseworker_plans_a_handover_of_the_accepted_children(client_for, caseworker_a, accepted_request, household_a):
    _mother, yusuf, maryam, _aunt = household_a

    response = client_for(caseworker_a).post(url("handover_plan", accepted_request), _plan_data([yusuf, maryam]))

    assert response.status_code == 302
    operation = HandoverOperation.objects.get()
    assert operation.status == HandoverStatus.PLANNED
    assert set(operation.handed_persons.values_list("person_id", flat=True)) == {yusuf.pk, maryam.pk}
    assert (operation.place, operation.receiving_country.code) == ("Semalka crossing", "FR")
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.OPERATION_PLANNED
    detail = client_for(caseworker_a).get(url("request_detail", accepted_request)).content.decode()
    assert f'data-handover="{operation.public_id}"' in detail
    assert url("handover_complete", accepted_request, operation.public_id) in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"handover-persons": []}, "persons"),
        ({"handover-place": ""}, "place"),
        ({"handover-planned_on": "not a date"}, "planned_on"),
    ],
)
def test_bad_plan_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, accepted_request, household_a, change, field
):
    response = client_for(caseworker_a).post(
        url("handover_plan", accepted_request), {**_plan_data(household_a[1:3]), **change}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert not HandoverOperation.objects.exists()


def test_a_refused_person_cannot_be_put_on_a_handover(client_for, caseworker_a, accepted_request, household_a):
    response = client_for(caseworker_a).post(url("handover_plan", accepted_request), _plan_data(household_a[:2]))

    assert "persons" in response.context["form"].errors
    assert not HandoverOperation.objects.exists()


def test_no_handover_can_be_planned_before_an_acceptance(client_for, caseworker_a, family_draft):
    client = client_for(caseworker_a)

    detail = client.get(url("request_detail", family_draft))
    response = client.get(url("handover_plan", family_draft))

    assert not detail.context["can_plan_handover"]
    assert response.status_code == 302
    assert not HandoverOperation.objects.exists()


def test_auditor_and_other_organisation_cannot_plan(client_for, auditor_a, caseworker_b, accepted_request, household_a):
    data = _plan_data(household_a[1:3])

    assert client_for(auditor_a).post(url("handover_plan", accepted_request), data).status_code == 403
    assert client_for(caseworker_b).post(url("handover_plan", accepted_request), data).status_code == 404
    assert not HandoverOperation.objects.exists()


@pytest.fixture
def planned(supervisor_a, accepted_request, household_a):
    return services.handover_plan(
        gov_request=accepted_request,
        persons=household_a[1:3],
        planned_on=timezone.localdate(),
        place="Semalka crossing",
        actor=supervisor_a,
    )


def _complete_data(persons, **extra):
    return {
        "complete-handed_over": [p.public_id.hex for p in persons],
        "complete-signed_on": timezone.localdate().isoformat(),
        "complete-document": SimpleUploadedFile(
            "handover of Yusuf.pdf", b"%PDF-1.4 signed", content_type="application/pdf"
        ),
        **extra,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_caseworker_completes_the_handover_with_the_signed_document(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    _mother, yusuf, maryam, _aunt = household_a
    client = client_for(caseworker_a)

    response = client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data([yusuf]))

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.COMPLETED
    assert planned.document_signed_on == timezone.localdate()
    assert planned.handover_document.name == f"documents/{planned.public_id}.pdf"
    handed = dict(planned.handed_persons.values_list("person_id", "handed_over"))
    assert handed == {yusuf.pk: True, maryam.pk: False}
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.PARTIALLY_COMPLETED

    detail = client.get(url("request_detail", accepted_request)).content.decode()
    document_url = url("handover_document", accepted_request, planned.public_id)
    assert document_url in detail
    download = client.get(document_url)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="govrequests.handover.document_downloaded", actor=caseworker_a).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"complete-document": ""}, "document"),
        ({"complete-handed_over": []}, "handed_over"),
        ({"complete-signed_on": "2999-01-01"}, "signed_on"),
    ],
)
def test_bad_completion_input_is_a_field_error_and_nothing_is_saved(
    client_for, caseworker_a, accepted_request, planned, household_a, media, change, field
):
    response = client_for(caseworker_a).post(
        url("handover_complete", accepted_request, planned.public_id), {**_complete_data(household_a[1:3]), **change}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED
    assert not planned.handover_document


def test_completion_document_with_a_forbidden_extension_is_refused(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    script = SimpleUploadedFile("signed.exe", b"MZ", content_type="application/octet-stream")

    response = client_for(caseworker_a).post(
        url("handover_complete", accepted_request, planned.public_id),
        _complete_data(household_a[1:3], **{"complete-document": script}),
    )

    assert "document" in response.context["form"].errors
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_completed_handover_cannot_be_completed_again(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    client = client_for(caseworker_a)
    client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:3]))

    again = client.get(url("handover_complete", accepted_request, planned.public_id))

    assert again.status_code == 302
    assert HandoverOperation.objects.get().status == HandoverStatus.COMPLETED


def test_handover_pages_are_scoped(client_for, caseworker_b, auditor_a, accepted_request, planned, household_a, media):
    complete = url("handover_complete", accepted_request, planned.public_id)
    document = url("handover_document", accepted_request, planned.public_id)
    other_request = factories.GovernmentRequestFactory(organisation=accepted_request.organisation)
    wrong_parent = reverse("govrequests:handover_complete", args=[other_request.public_id, planned.public_id])

    assert client_for(caseworker_b).get(complete).status_code == 404
    assert client_for(caseworker_b).get(document).status_code == 404
    assert client_for(auditor_a).get(complete).status_code == 403
    assert client_for(auditor_a).get(document).status_code == 404  # no document yet
    assert client_for(auditor_a).get(wrong_parent).status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_handover_under_another_request_is_not_found(client_for, caseworker_a, accepted_request, planned):
    other_request = factories.GovernmentRequestFactory(organisation=accepted_request.organisation)

    response = client_for(caseworker_a).get(
        reverse("govrequests:handover_complete", args=[other_request.public_id, planned.public_id])
    )

    assert response.status_code == 404


def test_assigned_only_caseworker_cannot_complete_a_handover_with_colleagues_cases(
    client_for, fieldworker_a, accepted_request, planned, household_a, media
):
    household_a[1].assigned_to = fieldworker_a
    household_a[1].save()

    response = client_for(fieldworker_a).post(
        url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:2])
    )

    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


@pytest.fixture
def fieldworker_with_one_child(fieldworker_a, household_a):
    """An assigned-only caseworker to whom Yusuf (on the planned operation) is assigned, but not Maryam."""
    household_a[1].assigned_to = fieldworker_a
    household_a[1].save()
    return fieldworker_a


def _completed_by_supervisor(supervisor_a, planned, household_a):
    return services.handover_complete(
        operation=planned,
        signed_on=timezone.localdate(),
        document=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
        handed_over=household_a[1:3],
        actor=supervisor_a,
    )


def test_assigned_only_caseworker_cannot_cancel_a_handover_with_colleagues_cases(
    client_for, fieldworker_with_one_child, accepted_request, planned
):
    response = client_for(fieldworker_with_one_child).post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "The crossing was closed."}
    )

    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_handover_cancel_service_refuses_an_actor_who_does_not_see_every_person(fieldworker_with_one_child, planned):
    with pytest.raises(PermissionDenied):
        services.handover_cancel(operation=planned, reason="No delegation.", actor=fieldworker_with_one_child)

    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_assigned_only_caseworker_cannot_download_the_signed_document_naming_colleagues_cases(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    _completed_by_supervisor(supervisor_a, planned, household_a)

    response = client_for(fieldworker_with_one_child).get(url("handover_document", accepted_request, planned.public_id))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="govrequests.handover.document_downloaded").exists()


def test_assigned_only_caseworker_sees_the_operation_without_its_document_or_actions(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    client = client_for(fieldworker_with_one_child)

    planned_page = client.get(url("request_detail", accepted_request)).content.decode()
    _completed_by_supervisor(supervisor_a, planned, household_a)
    completed_page = client.get(url("request_detail", accepted_request)).content.decode()

    assert f'data-handover="{planned.public_id}"' in planned_page
    assert url("handover_complete", accepted_request, planned.public_id) not in planned_page
    assert url("handover_cancel", accepted_request, planned.public_id) not in planned_page
    assert url("handover_document", accepted_request, planned.public_id) not in completed_page


def test_assigned_only_caseworker_with_every_person_may_cancel_and_download(
    client_for, fieldworker_with_one_child, supervisor_a, accepted_request, planned, household_a, media
):
    household_a[2].assigned_to = fieldworker_with_one_child
    household_a[2].save()
    client = client_for(fieldworker_with_one_child)

    detail = client.get(url("request_detail", accepted_request)).content.decode()
    cancel = client.post(url("handover_cancel", accepted_request, planned.public_id), {"reason": "Closed."})

    assert url("handover_cancel", accepted_request, planned.public_id) in detail
    assert cancel.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.CANCELLED
    second = services.handover_plan(
        gov_request=accepted_request,
        persons=household_a[1:3],
        planned_on=timezone.localdate(),
        place="Semalka crossing",
        actor=supervisor_a,
    )
    _completed_by_supervisor(supervisor_a, second, household_a)
    download = client.get(url("handover_document", accepted_request, second.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def reads_of(captured) -> list[dict]:
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


@pytest.mark.parametrize("size", [1, 6])
def test_detail_with_handovers_has_a_constant_query_count(
    client_for, supervisor_a, org_a, authority, django_assert_max_num_queries, size
):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RS.OPERATION_PLANNED
    )
    rows = factories.RequestedPersonFactory.create_batch(size, request=gov_request, decision=Decision.ACCEPTED)
    for _ in range(size):
        operation = factories.HandoverOperationFactory(organisation=org_a, request=gov_request)
        for row in rows:
            factories.HandoverPersonFactory(operation=operation, person=row.person)
    client = client_for(supervisor_a)

    # The detail page's reads (see test_requests.DETAIL_READS) plus handover operations, their persons
    # and which of those persons the user sees; then the State's policy and the family-unity check (the
    # covered persons' decisions, and their family links since someone is accepted); the read log's INSERT.
    with django_assert_max_num_queries(20) as captured:
        response = client.get(url("request_detail", gov_request))

    assert len(response.context["handovers"]) == size
    assert len(reads_of(captured)) == 16, "\n".join(q["sql"][:150] for q in reads_of(captured))


# --- Family offered on the create and add pages -------------------------------------------------


@pytest.fixture
def son_elsewhere(org_a, household_a):
    """The mother's son, recorded by a family link but living in another household (e.g. a centre)."""
    son = factories.PersonFactory(organisation=org_a, child=True, given_name_lat="Ibrahim")
    factories.FamilyLinkFactory(person=household_a[0], relative=son, relation="child")
    return son


def test_family_linked_relatives_are_offered_on_the_add_page(client_for, caseworker_a, draft_a, son_elsewhere):
    response = client_for(caseworker_a).get(url("request_add_persons", draft_a))

    assert son_elsewhere in response.context["household"]


def test_household_and_family_helper_of_the_create_page_adds_linked_relatives(
    client_for, caseworker_a, household_a, son_elsewhere, authority
):
    response = client_for(caseworker_a).post(
        reverse("govrequests:request_create"),
        {"action": "household", "persons": [str(household_a[0].public_id)], "authority": str(authority.public_id)},
    )

    assert {p.pk for p in response.context["chosen"]} == {p.pk for p in [*household_a, son_elsewhere]}
    assert not GovernmentRequest.objects.exists()


def test_family_outside_the_users_scope_is_not_offered(client_for, fieldworker_a, org_a, household_a, authority):
    mother = household_a[0]
    mother.assigned_to = fieldworker_a
    mother.save()

    response = client_for(fieldworker_a).post(
        reverse("govrequests:request_create"),
        {"action": "household", "persons": [str(mother.public_id)], "authority": str(authority.public_id)},
    )

    assert response.context["chosen"] == [mother]


@pytest.mark.parametrize("size", [5, 50])
def test_add_page_query_count_does_not_grow_with_the_family_or_the_results(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries, size
):
    household = factories.HouseholdFactory(organisation=org_a)
    members = [
        factories.PersonFactory(organisation=org_a, household=household, family_name_lat="Haddad") for _ in range(size)
    ]
    factories.PersonFactory.create_batch(size, organisation=org_a, family_name_lat="Haddad")  # found by the search
    draft = services.gov_request_create(authority=authority, persons=members[:1], actor=caseworker_a)
    client = client_for(caseworker_a)

    # session, user, 2 permissions, the request, its covered persons, the family, the search
    # (case-number prefix, then the matcher: key counts, blocking, persons, aliases); the session
    # save (in a savepoint: 3); the read log's INSERT of the persons the search found.
    with django_assert_max_num_queries(16) as captured:
        response = client.post(url("request_add_persons", draft), {"action": "search", "q": "haddad"})

    assert len(response.context["household"]) == size - 1
    # A search of one common name gives the matcher's best candidates: it scores MAX_CANDIDATES persons,
    # equal scores by id, so the household's members (created first) take their share.
    assert len(response.context["results"]) == min(size, MAX_CANDIDATES - size)
    reads = [
        q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE", "WITH"))
    ]
    assert len(reads) == 12, "\n".join(q["sql"][:150] for q in reads)


# --- Cancelling a planned handover --------------------------------------------------------------


def test_caseworker_cancels_a_planned_handover_with_the_reason_and_may_plan_again(
    client_for, caseworker_a, accepted_request, planned, household_a
):
    client = client_for(caseworker_a)

    response = client.post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "The crossing was closed."}
    )

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.CANCELLED
    assert planned.notes.endswith("The crossing was closed.")
    event = AuditEvent.objects.get(action="govrequests.handover.cancelled")
    assert (event.actor, event.data) == (caseworker_a, {"from": "planned", "to": "cancelled"})
    assert planned.history.first().history_user == caseworker_a
    accepted_request.refresh_from_db()
    assert accepted_request.status == RS.OPERATION_PLANNED
    detail = client.get(url("request_detail", accepted_request))
    assert detail.context["can_plan_handover"]
    assert url("handover_complete", accepted_request, planned.public_id) not in detail.content.decode()
    again = client.post(url("handover_plan", accepted_request), _plan_data(household_a[1:3]))
    assert again.status_code == 302
    assert HandoverOperation.objects.filter(status=HandoverStatus.PLANNED).count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(client_for, caseworker_a, accepted_request, planned, reason):
    response = client_for(caseworker_a).post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": reason}, follow=True
    )

    assert "Give the reason for cancelling the handover." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED


def test_a_completed_handover_cannot_be_cancelled(
    client_for, caseworker_a, accepted_request, planned, household_a, media
):
    client = client_for(caseworker_a)
    client.post(url("handover_complete", accepted_request, planned.public_id), _complete_data(household_a[1:3]))

    response = client.post(
        url("handover_cancel", accepted_request, planned.public_id), {"reason": "Too late."}, follow=True
    )

    assert "Only a planned handover can be cancelled." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.COMPLETED


def test_auditor_and_other_organisation_cannot_cancel(client_for, auditor_a, caseworker_b, accepted_request, planned):
    data = {"reason": "No."}

    assert (
        client_for(auditor_a).post(url("handover_cancel", accepted_request, planned.public_id), data).status_code == 403
    )
    assert (
        client_for(caseworker_b).post(url("handover_cancel", accepted_request, planned.public_id), data).status_code
        == 404
    )
    planned.refresh_from_db()
    assert planned.status == HandoverStatus.PLANNED

"""Admin of government-request records seen by an assigned-only supervisor: only their cases show through."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.accounts import roles
from casework.govrequests.models import DisclosedPerson, Disclosure
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static URLs without the collectstatic manifest (tests run with DEBUG off)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def limited_supervisor(org_a):
    return factories.UserFactory(
        organisation=org_a, username="limited_supervisor", role=roles.SUPERVISOR, sees_assigned_only=True
    )


@pytest.fixture
def disclosure(org_a, caseworker_a, limited_supervisor):
    """One letter to an authority disclosing P (the limited supervisor's case) and Q (a colleague's), on two requests."""
    authority = factories.GovernmentAuthorityFactory(country="FR")
    mine = factories.PersonFactory(organisation=org_a, assigned_to=limited_supervisor, case_number="ORGA-100001")
    theirs = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a, case_number="ORGA-200002")
    record = Disclosure.objects.create(
        organisation=org_a,
        authority=authority,
        disclosed_at=timezone.now(),
        disclosed_by=caseworker_a,
        authority_name=authority.name,
        to_email="mfa@fr.example",
        language="fr",
        fields=["case_number"],
    )
    for person, reference in ((mine, "ORGA-R2025-MINE"), (theirs, "ORGA-R2025-THEIRS")):
        request = factories.GovernmentRequestFactory(
            organisation=org_a, authority=authority, submitted=True, reference=reference
        )
        factories.RequestedPersonFactory(request=request, person=person)
        record.requests.add(request)
        DisclosedPerson.objects.create(
            disclosure=record, person=person, case_number=person.case_number, request_references=[reference]
        )
    return record


def test_disclosure_admin_shows_an_assigned_only_user_only_the_requests_they_see(
    client_for, limited_supervisor, disclosure
):
    response = client_for(limited_supervisor).get(reverse("admin:govrequests_disclosure_change", args=[disclosure.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "ORGA-R2025-MINE" in page
    assert "ORGA-R2025-THEIRS" not in page
    assert "ORGA-200002" not in page


def test_disclosure_admin_shows_every_request_to_an_unrestricted_supervisor(client_for, supervisor_a, disclosure):
    page = client_for(supervisor_a).get(reverse("admin:govrequests_disclosure_change", args=[disclosure.pk]))

    assert "ORGA-R2025-MINE, ORGA-R2025-THEIRS" in page.content.decode()


def test_assigned_only_user_cannot_search_disclosures_by_case_number(
    client_for, limited_supervisor, supervisor_a, disclosure
):
    url = reverse("admin:govrequests_disclosure_changelist")

    probe = client_for(limited_supervisor).get(url, {"q": "ORGA-200002"})
    by_authority = client_for(limited_supervisor).get(url, {"q": "mfa@fr.example"})
    unrestricted = client_for(supervisor_a).get(url, {"q": "ORGA-200002"})

    assert list(probe.context["cl"].result_list) == []
    assert list(by_authority.context["cl"].result_list) == [disclosure]
    assert list(unrestricted.context["cl"].result_list) == [disclosure]

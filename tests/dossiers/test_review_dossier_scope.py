"""A dossier lists every person of its request: a user limited to assigned cases who sees the request through one
of their cases but not every person in the dossier gets it from no page, the download included (as the preview and
generation already refuse)."""

from datetime import date

import pytest
from django.urls import reverse

from casework.dossiers import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier_of_two(org_a, supervisor_a, fieldworker_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    theirs = factories.PersonFactory(organisation=org_a, assigned_to=fieldworker_a, birth_date=date(1994, 3, 1))
    other = factories.PersonFactory(organisation=org_a, given_name_lat="Khadija", birth_date=date(1990, 1, 1))
    for person in (theirs, other):
        factories.RequestedPersonFactory(request=gov_request, person=person)
    dossier = services.dossier_request(gov_request=gov_request, actor=supervisor_a, language="en", signing_officer="N")
    return gov_request, dossier


def test_an_assigned_only_user_cannot_download_a_dossier_naming_persons_outside_their_cases(
    client_for, fieldworker_a, dossier_of_two
):
    gov_request, dossier = dossier_of_two
    client = client_for(fieldworker_a)
    assert client.get(reverse("govrequests:request_detail", args=[gov_request.public_id])).status_code == 200

    response = client.get(reverse("dossiers:file", args=[gov_request.public_id, dossier.public_id]))

    assert response.status_code in (403, 404)


def test_the_download_still_works_for_a_user_who_sees_everyone_in_it(client_for, caseworker_a, dossier_of_two):
    gov_request, dossier = dossier_of_two
    response = client_for(caseworker_a).get(reverse("dossiers:file", args=[gov_request.public_id, dossier.public_id]))

    assert response.status_code == 200

"""A dossier rendered while one of its persons is being merged: its disclosure names the survivor, never the
merged record's tombstone."""

import pytest

from casework.accounts import roles
from casework.dossiers import services
from casework.govrequests.models import DisclosedPerson
from tests import factories
from tests.merging.during_merge import run_during_merge


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
def test_a_dossier_rendered_during_a_merge_of_its_person_discloses_the_survivor(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = factories.OrganisationFactory(code="DSMG")
    merger = factories.UserFactory(username="merger_d", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    gov_request = factories.GovernmentRequestFactory(organisation=org, submitted=True)
    other = factories.PersonFactory(organisation=org, given_name_lat="Aminah")
    factories.RequestedPersonFactory(request=gov_request, person=other)
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    dossier = services.Dossier.objects.create(
        organisation=org, request=gov_request, language="en", signing_officer="N", requested_by=merger, person_count=1
    )
    outcome = run_during_merge(
        survivor=survivor,
        other=other,
        merger=merger,
        write=lambda: services.dossier_render(dossier_id=dossier.pk),
        join=60,
    )
    assert "error" not in outcome, outcome
    assert list(DisclosedPerson.objects.values_list("person_id", flat=True)) == [survivor.pk]

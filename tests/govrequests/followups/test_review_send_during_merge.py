"""A follow-up sent while one of its persons is being merged: the disclosure must not name the merged record's
tombstone (the survivor's page would not list it; the record of who was disclosed would point nowhere useful)."""

import pytest

from casework.accounts import roles
from casework.govrequests import services
from casework.govrequests.models import DisclosedPerson
from tests import factories
from tests.govrequests.followups.helpers import draft_for, pending_person, render_digest
from tests.merging.during_merge import run_during_merge


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
def test_a_follow_up_sent_during_a_merge_of_its_person_does_not_disclose_the_tombstone():
    org = factories.OrganisationFactory(code="FUMG")
    merger = factories.UserFactory(username="merger_f", organisation=org, role=roles.SUPERVISOR, sensitive=True)
    sender = factories.UserFactory(username="sender_f", organisation=org, role=roles.CASEWORKER)
    authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministère (fusion)", email="mfa@fr.example")
    sent = factories.GovernmentRequestFactory(organisation=org, authority=authority, submitted=True)
    other = pending_person(org, sent, given_name_lat="Aminah")
    survivor = factories.PersonFactory(organisation=org, given_name_lat="Amina")
    draft = draft_for(org, authority, sender)
    digest = render_digest(draft)
    outcome = run_during_merge(
        survivor=survivor,
        other=other,
        merger=merger,
        write=lambda: services.followup_send(followup=draft, actor=sender, reviewed_digest=digest),
    )
    assert not DisclosedPerson.objects.filter(person=other).exists(), outcome

"""Two records of one person in organisation A, each with something of every kind attached."""

from datetime import date

import pytest
from django.utils import timezone

from casework.govrequests.models import DisclosedPerson, Disclosure
from casework.imports.models import ExternalReference
from casework.legal.models import Hearing, LegalProceeding
from casework.merging import services
from casework.people.models import Household, JourneyToSyria, Person, PersonStatusChange, ReturnAssessment
from casework.people.namekeys import person_name_keys_rebuild
from casework.screenings.models import CustodyEntry
from tests import factories


@pytest.fixture
def merger_a(org_a):
    """A supervisor who may read L3 fields (so that every field can be chosen)."""
    from casework.accounts import roles

    return factories.UserFactory(username="merger_a", organisation=org_a, role=roles.SUPERVISOR, sensitive=True)


def attach_everything(person: Person, *, relative: Person, year: int, tag: str) -> None:
    """Rows of every kind that a merge moves, for `person` (`year` keeps custody periods apart)."""
    factories.AliasFactory(person=person, kind="alias", name=f"Alias {tag}")
    factories.AliasFactory(person=person, kind="kunya", name="Umm Yusuf")  # on both records: deduplicated
    factories.FamilyLinkFactory(person=person, relative=relative, relation="sibling")
    factories.FamilyLinkFactory(person=relative, relative=person, relation="sibling")
    mother = factories.PersonFactory(organisation=person.organisation, given_name_lat=f"Mother {tag}")
    factories.FamilyLinkFactory(person=person, relative=mother, relation="mother")
    factories.FamilyLinkFactory(person=mother, relative=person, relation="child")
    factories.CustodyPeriodFactory(
        person=person, start_date=date(year, 1, 1), end_date=date(year, 12, 31), exact_location=f"Block {tag}"
    )
    factories.NationalityClaimFactory(person=person, country="FR" if tag == "A" else "BE", is_primary=True)
    factories.IdentityDocumentFactory(person=person)
    factories.DnaTestFactory(person=person)
    factories.AssessmentFactory(person=person)
    factories.ScreeningFactory(person=person)
    request = factories.GovernmentRequestFactory(organisation=person.organisation)
    factories.RequestedPersonFactory(request=request, person=person)
    operation = factories.HandoverOperationFactory(organisation=person.organisation)
    factories.HandoverPersonFactory(operation=operation, person=person)
    factories.ReminderFactory(person=person, offset_days=10)  # the same occurrence on both: deduplicated
    factories.ReminderFactory(person=person)
    PersonStatusChange.objects.create(person=person, old_status="registered", new_status="identity_in_progress")
    ExternalReference.objects.create(organisation=person.organisation, source="camp", reference=tag, person=person)
    authority = factories.GovernmentAuthorityFactory()
    disclosure = Disclosure.objects.create(
        organisation=person.organisation,
        authority=authority,
        disclosed_at=timezone.now(),
        disclosed_by=factories.UserFactory(organisation=person.organisation),
        authority_name=authority.name,
        language="en",
    )
    DisclosedPerson.objects.create(disclosure=disclosure, person=person, case_number=person.case_number)
    # Records of how the person came to the camps (one journey per person: only the second record has one).
    if tag == "B":
        JourneyToSyria.objects.create(person=person, travelled_on=date(2014, 5, 1))
    ReturnAssessment.objects.create(person=person, country="FR", assessed_on=date(year, 2, 1), wish="wishes_to_return")
    CustodyEntry.objects.create(person=person, event="surrender", occurred_on=date(2019, 3, year - 2000))
    proceeding = LegalProceeding.objects.create(person=person, kind="warrant", reference=f"W-{tag}")
    Hearing.objects.create(person=person, proceeding=proceeding, hearing_on=date(year, 6, 1))


@pytest.fixture
def pair(org_a):
    """(first, second): two records of one person, with a relative in common and a link between them."""
    household = Household.objects.create(organisation=org_a, reference="HH-1")
    first = factories.PersonFactory(
        organisation=org_a, given_name_lat="Fatima", family_name_lat="Dupont", household=household
    )
    second = factories.PersonFactory(
        organisation=org_a, given_name_lat="Fatma", family_name_lat="Dupond", given_name_ar="فاطمة", sex="female"
    )
    relative = factories.PersonFactory(organisation=org_a, given_name_lat="Yusuf")
    attach_everything(first, relative=relative, year=2019, tag="A")
    attach_everything(second, relative=relative, year=2021, tag="B")
    factories.FamilyLinkFactory(person=first, relative=second, relation="spouse")
    factories.FamilyLinkFactory(person=second, relative=first, relation="spouse")
    # An earlier merge left a tombstone pointing at the second record.
    old = factories.PersonFactory(organisation=org_a, merged_into=second)
    assert old.merged_into_id == second.pk
    person_name_keys_rebuild(person_ids=[first.pk, second.pk, relative.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def merge(survivor: Person, other: Person, actor, **kwargs):
    return services.person_merge(
        survivor=survivor,
        other=other,
        actor=actor,
        survivor_version=survivor.updated_at,
        other_version=other.updated_at,
        **kwargs,
    )

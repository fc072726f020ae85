"""factory_boy factories for every domain model. Synthetic data only."""

import functools
from datetime import date, timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from casework.accounts.models import Organisation, User
from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.govrequests.models import (
    AuthorityFollowUp,
    GovernmentAuthority,
    GovernmentRequest,
    HandoverOperation,
    HandoverPerson,
    RequestedPerson,
    RequestEvent,
)
from casework.outbox.models import OutboundMessage
from casework.people.choices import DatePrecision, Relation, Sex
from casework.people.models import (
    Alias,
    Assessment,
    CustodyPeriod,
    DnaTest,
    FamilyLink,
    Household,
    IdentityDocument,
    NationalityClaim,
    Person,
)
from casework.people.namekeys import person_name_keys_rebuild
from casework.policies.choices import TakesBack
from casework.policies.models import StatePolicy
from casework.reminders.choices import RuleKind
from casework.reminders.models import Reminder, subject_key_for
from casework.screenings.models import Screening

PASSWORD = "test-password-123"


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once, at the first user, with the first of PASSWORD_HASHERS (the test run's: tests/conftest.py)."""
    return make_password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"ORG{n}")
    email = factory.LazyAttribute(lambda o: f"casework@{o.code.lower()}.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.LazyFunction(_password_hash)
    organisation = factory.SubFactory(OrganisationFactory)
    is_staff = True

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def sensitive(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            self.user_permissions.add(Permission.objects.get(codename="view_sensitive_data"))


class ControllingAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControllingAuthority
        django_get_or_create = ("name",)

    name = "Autonomous Administration of North and East Syria"
    short_name = "AANES"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Camp {n}")
    kind = Facility.Kind.CAMP
    governorate = "Hasakah"


class FacilitySectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitySection

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")


class FacilityControlPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityControlPeriod

    facility = factory.SubFactory(FacilityFactory)
    authority = factory.SubFactory(ControllingAuthorityFactory)
    start_date = date(2019, 3, 1)


def _rebuild_name_keys(person: Person, create: bool, *_args, **_kwargs) -> None:
    """Keep the name-key index as the person and alias services do (the matcher finds persons through it)."""
    if create:
        person_name_keys_rebuild(person_ids=[person.pk])


# Every name field empty: tests of name matching give a person only the parts they are about.
NO_NAMES = {
    f"{part}_name_{script}": "" for part in ("given", "father", "grandfather", "family") for script in ("lat", "ar")
}


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    case_number = factory.Sequence(lambda n: f"T-{n:06d}")
    given_name_lat = factory.Iterator(["Fatima", "Aisha", "Yusuf", "Maryam", "Omar", "Khadija"])
    father_name_lat = "Ahmed"
    family_name_lat = factory.Iterator(["al-Maghribi", "Petrova", "Yilmaz", "Dupont"])
    given_name_ar = factory.Iterator(["فاطمة", "عائشة", "يوسف", "مريم", "عمر", "خديجة"])
    family_name_ar = "المغربي"
    sex = Sex.FEMALE
    birth_date = date(1995, 6, 1)
    birth_date_precision = DatePrecision.YEAR

    class Params:
        child = factory.Trait(birth_date=factory.LazyFunction(lambda: date.today() - timedelta(days=365 * 7)))
        closed = factory.Trait(status="closed", closure_reason="repatriated")

    name_keys = factory.PostGeneration(_rebuild_name_keys)


def named_person(org, **fields) -> Person:
    """A woman born in 1987 (the year only) of `org` with only the name parts given (tests of name matching)."""
    blank = {**NO_NAMES, "sex": Sex.FEMALE, "birth_date": date(1987, 1, 1), "birth_date_precision": DatePrecision.YEAR}
    return PersonFactory(organisation=org, **{**blank, **fields})


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alias
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    kind = "kunya"
    name = "Umm Yusuf"
    name_keys = factory.PostGeneration(lambda alias, create, *_a, **_k: _rebuild_name_keys(alias.person, create))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"HH-{n:05d}")


class FamilyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyLink

    person = factory.SubFactory(PersonFactory)
    relative = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..person.organisation"))
    relation = Relation.MOTHER


class CustodyPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustodyPeriod

    person = factory.SubFactory(PersonFactory)
    facility = factory.SubFactory(FacilityFactory)
    start_date = date(2019, 4, 1)
    exact_location = "Block 4, tent 12"


class NationalityClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalityClaim

    person = factory.SubFactory(PersonFactory)
    country = "FR"


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    document_type = "passport"
    number = factory.Sequence(lambda n: f"X{n:07d}")
    issuing_country = "FR"
    issued_on = date(2014, 1, 1)
    expires_on = date(2024, 1, 1)


class DnaTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DnaTest

    person = factory.SubFactory(PersonFactory)
    requested_on = date(2025, 1, 10)
    sampled_on = date(2025, 2, 1)
    outcome = "pending"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    person = factory.SubFactory(PersonFactory)
    kind = "bia"
    assessed_on = date(2025, 3, 1)
    findings = "Synthetic child-protection findings."


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening

    person = factory.SubFactory(PersonFactory)
    screened_on = date(2019, 3, 20)
    outcome = Screening.Outcome.CLEARED
    findings = "Synthetic screening findings."


class GovernmentAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentAuthority
        django_get_or_create = ("country", "name")

    country = "FR"
    name = "Ministry of Foreign Affairs"
    email = "repatriation@mfa.fr.example"


class GovernmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentRequest
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    authority = factory.SubFactory(GovernmentAuthorityFactory)
    reference = factory.Sequence(lambda n: f"REQ-{n:05d}")
    drafted_on = date(2025, 1, 5)

    class Params:
        submitted = factory.Trait(status=RequestStatus.SUBMITTED, submitted_on=date(2025, 1, 10))
        acknowledged = factory.Trait(
            status=RequestStatus.ACKNOWLEDGED, submitted_on=date(2025, 1, 10), acknowledged_on=date(2025, 1, 20)
        )

    @factory.post_generation
    def clock(obj, create, extracted, **kwargs):
        """Store the deadline clock from the dates, as the services do; an `answer_due_on` given is an extension."""
        if not create:
            return
        from casework.govrequests.services.clock import request_clock_refresh

        extended_to = obj.answer_due_on
        request_clock_refresh(obj)
        if extended_to is not None:
            obj.answer_due_on, obj.answer_due_extended = extended_to, True
            GovernmentRequest.objects.filter(pk=obj.pk).update(answer_due_on=extended_to, answer_due_extended=True)


def request_days_ago(today: date, **fields) -> GovernmentRequest:
    """A request whose date fields (those ending in `_on`: `drafted_on=30, submitted_on=20`) are given in days
    before `today`; the other fields as GovernmentRequestFactory takes them."""
    days = {name: fields.pop(name) for name in [name for name in fields if name.endswith("_on")]}
    return GovernmentRequestFactory(**fields, **{name: today - timedelta(days=n) for name, n in days.items()})


class RequestedPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestedPerson

    request = factory.SubFactory(GovernmentRequestFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..request.organisation"))
    decision = Decision.PENDING


class RequestEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(GovernmentRequestFactory)
    kind = "follow_up"
    occurred_on = date(2025, 2, 1)


class HandoverOperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoverOperation

    organisation = factory.SubFactory(OrganisationFactory)
    receiving_country = "FR"
    planned_on = date(2025, 6, 1)
    place = "Semalka crossing"
    status = HandoverStatus.PLANNED


class HandoverPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoverPerson

    operation = factory.SubFactory(HandoverOperationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..operation.organisation"))


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder about a person (pass `gov_request=` and `person=None` for one about a request).

    Each one is a distinct occurrence (its own offset) unless `offset_days` is given: the database
    refuses the same kind, subject, due date and offset twice.
    """

    class Meta:
        model = Reminder

    kind = RuleKind.CASE_INACTIVE
    person = factory.SubFactory(PersonFactory)
    gov_request = None
    organisation = factory.LazyAttribute(lambda o: (o.person or o.gov_request).organisation)
    subject_key = factory.LazyAttribute(
        lambda o: subject_key_for(
            person_id=o.person.pk if o.person else None, gov_request_id=o.gov_request.pk if o.gov_request else None
        )
    )
    recipient = None
    due_on = date(2025, 6, 2)
    deadline_on = None
    offset_days = factory.Sequence(lambda n: 30 + n)


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    """A recorded, queued e-mail to a user (a digest), rendered by hand: no template is read."""

    class Meta:
        model = OutboundMessage

    recipient = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda o: o.recipient.organisation)
    to_email = factory.LazyAttribute(lambda o: o.recipient.email)
    language = "en"
    template = "digest"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    subject = "Casework: 1 reminder due"
    body_text = "1 reminder needs your attention."
    body_html = "<p>1 reminder needs your attention.</p>"


class AuthorityFollowUpFactory(factory.django.DjangoModelFactory):
    """An open follow-up draft without items (add FollowUpItem rows, or use `services.followup_draft_for`)."""

    class Meta:
        model = AuthorityFollowUp

    organisation = factory.SubFactory(OrganisationFactory)
    authority = factory.SubFactory(GovernmentAuthorityFactory)
    refreshed_at = factory.LazyFunction(timezone.now)


class StatePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatePolicy

    organisation = None  # a shared default unless given
    country = "FR"
    valid_from = date(2019, 3, 1)
    takes_back = TakesBack.ALL
    sources = "Synthetic source for tests."

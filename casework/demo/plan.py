"""The plan: every object the demo database will hold, and the units it is drawn in."""

from dataclasses import dataclass, field
from datetime import date

from django.db import models

from casework.accounts.models import Organisation, User
from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.demo.data import Country
from casework.demo.scenarios import CS, FIRST_ARRIVAL, Scenario
from casework.govrequests import models as govrequests
from casework.govrequests.choices import Decision
from casework.legal import models as legal
from casework.people import models as people
from casework.policies.models import StatePolicy
from casework.screenings.models import CustodyEntry, Screening

# One placeholder scan shared by every completed handover of the demo.
DEMO_DOCUMENT = "documents/demo-signed-handover-document.pdf"


@dataclass
class Plan:
    """Everything the demo database will hold, as unsaved model instances wired to each other."""

    today: date
    controlling_authorities: list[ControllingAuthority] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    sections: list[FacilitySection] = field(default_factory=list)
    control_periods: list[FacilityControlPeriod] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # username → role group
    sensitive_users: list[str] = field(default_factory=list)
    gov_authorities: list[govrequests.GovernmentAuthority] = field(default_factory=list)
    state_policies: list[StatePolicy] = field(default_factory=list)
    households: list[people.Household] = field(default_factory=list)
    persons: list[people.Person] = field(default_factory=list)
    aliases: list[people.Alias] = field(default_factory=list)
    family_links: list[people.FamilyLink] = field(default_factory=list)
    custody_periods: list[people.CustodyPeriod] = field(default_factory=list)
    claims: list[people.NationalityClaim] = field(default_factory=list)
    documents: list[people.IdentityDocument] = field(default_factory=list)
    dna_tests: list[people.DnaTest] = field(default_factory=list)
    assessments: list[people.Assessment] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    custody_entries: list[CustodyEntry] = field(default_factory=list)
    journeys: list[people.JourneyToSyria] = field(default_factory=list)
    return_assessments: list[people.ReturnAssessment] = field(default_factory=list)
    legal_proceedings: list[legal.LegalProceeding] = field(default_factory=list)
    hearings: list[legal.Hearing] = field(default_factory=list)
    person_status_changes: list[people.PersonStatusChange] = field(default_factory=list)
    requests: list[govrequests.GovernmentRequest] = field(default_factory=list)
    requested_persons: list[govrequests.RequestedPerson] = field(default_factory=list)
    request_events: list[govrequests.RequestEvent] = field(default_factory=list)
    request_status_changes: list[govrequests.RequestStatusChange] = field(default_factory=list)
    handovers: list[govrequests.HandoverOperation] = field(default_factory=list)
    handover_persons: list[govrequests.HandoverPerson] = field(default_factory=list)
    case_counts: dict[str, int] = field(default_factory=dict)  # organisation code → persons

    def case_data(self) -> list[tuple[str, list[models.Model]]]:
        """The per-case rows in insertion order (each list only refers to lists before it)."""
        return [
            ("households", self.households),
            ("persons", self.persons),
            ("aliases", self.aliases),
            ("family links", self.family_links),
            ("custody periods", self.custody_periods),
            ("nationality claims", self.claims),
            ("identity documents", self.documents),
            ("DNA tests", self.dna_tests),
            ("assessments", self.assessments),
            ("screenings", self.screenings),
            ("entries into custody", self.custody_entries),
            ("journeys to Syria", self.journeys),
            ("return wishes and risk assessments", self.return_assessments),
            ("case status changes", self.person_status_changes),
            ("government requests", self.requests),
            ("persons in requests", self.requested_persons),
            ("request events", self.request_events),
            ("request status changes", self.request_status_changes),
            ("handover operations", self.handovers),
            ("persons on handovers", self.handover_persons),
            ("legal proceedings", self.legal_proceedings),
            ("hearings", self.hearings),
        ]


@dataclass
class Member:
    """A person of a unit while it is being built, with the facts that are not stored as such."""

    person: people.Person
    born: date  # the true date of birth; the record may hold only a year or a range
    is_child: bool
    role: str  # adult, child, father
    status: str = CS.REGISTERED
    path: list[tuple[str, date]] = field(default_factory=list)
    decision: str = Decision.PENDING
    on_handover: bool = True
    exit_date: date | None = None  # left custody (handed over, released, deceased)
    exit_reason: str = ""


@dataclass
class Unit:
    kind: str
    org: Organisation
    country: Country
    style: str
    scenario: Scenario
    assignee: User | None
    arrival: date = FIRST_ARRIVAL
    registration: date = FIRST_ARRIVAL
    household: people.Household | None = None
    members: list[Member] = field(default_factory=list)
    placement: tuple[Facility, FacilitySection | None] | None = None
    dates: dict = field(default_factory=dict)  # of the current request
    earlier: dict | None = None  # an earlier request that went nowhere
    father_country: Country | None = None
    stays: list[tuple] | None = None  # where the family lived, shared by its members
    paths: dict = field(default_factory=dict)  # status paths already drawn for this unit, by kind of member

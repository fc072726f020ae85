"""People: the case subject and everything recorded about them."""

from casework.people.models.assessment import Assessment
from casework.people.models.background import JourneyToSyria, ReturnAssessment
from casework.people.models.custody import CustodyPeriod
from casework.people.models.family import FamilyLink, Household
from casework.people.models.identity import DnaTest, IdentityDocument, NationalityClaim
from casework.people.models.namekey import PersonNameKey
from casework.people.models.person import Alias, Person, PersonStatusChange
from casework.people.models.scoping import PersonQuerySet, PersonRecord, PersonScopedQuerySet

__all__ = [
    "Alias",
    "Assessment",
    "CustodyPeriod",
    "DnaTest",
    "FamilyLink",
    "Household",
    "IdentityDocument",
    "JourneyToSyria",
    "NationalityClaim",
    "Person",
    "PersonNameKey",
    "PersonQuerySet",
    "PersonRecord",
    "PersonScopedQuerySet",
    "PersonStatusChange",
    "ReturnAssessment",
]

"""Forms of the caseworker pages about persons: intake, edit, aliases, nationality claims, status, records, family.

Forms validate shape only; business rules stay in the services they feed, and no form saves a
model. Every foreign-key choice is narrowed to the user's scope.

Modules: `person` (intake, edit, status), `records` (records attached to a person), `family` (family links,
custody), `background` (journey to Syria, return wish and risk), `common` (what they share). The names used elsewhere are re-exported here.
"""

from casework.people.forms.background import JourneyToSyriaForm, ReturnAssessmentForm
from casework.people.forms.family import CustodyMoveForm, FamilyLinkEditForm, FamilyLinkForm, FamilyLinkFormSet
from casework.people.forms.person import (
    EDIT_FIELDS,
    SENSITIVE_EDIT_FIELDS,
    AliasFormSet,
    NationalityClaimFormSet,
    PersonCreateForm,
    PersonTransitionForm,
    PersonUpdateForm,
)
from casework.people.forms.records import (
    AliasRowFormSet,
    DnaTestForm,
    IdentityDocumentForm,
    NationalityClaimAddForm,
    NationalityClaimEditForm,
    NationalityClaimTransitionForm,
    PersonRecordForm,
)

__all__ = [
    "EDIT_FIELDS",
    "SENSITIVE_EDIT_FIELDS",
    "AliasFormSet",
    "AliasRowFormSet",
    "CustodyMoveForm",
    "DnaTestForm",
    "FamilyLinkEditForm",
    "FamilyLinkForm",
    "FamilyLinkFormSet",
    "IdentityDocumentForm",
    "JourneyToSyriaForm",
    "NationalityClaimAddForm",
    "NationalityClaimEditForm",
    "NationalityClaimFormSet",
    "NationalityClaimTransitionForm",
    "PersonCreateForm",
    "PersonRecordForm",
    "PersonTransitionForm",
    "PersonUpdateForm",
    "ReturnAssessmentForm",
]

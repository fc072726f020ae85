"""Choices of the people app and the badge colour of each case status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IDENTITY_IN_PROGRESS = "identity_in_progress", _("Identity in progress")
    NATIONALITY_VERIFICATION = "nationality_verification", _("Nationality verification")
    ASSESSMENT = "assessment", _("Assessment")
    READY_FOR_REQUEST = "ready_for_request", _("Ready for request")
    REQUEST_PENDING = "request_pending", _("Request pending")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    HANDOVER_SCHEDULED = "handover_scheduled", _("Handover scheduled")
    HANDED_OVER = "handed_over", _("Handed over")
    REPATRIATED = "repatriated", _("Repatriated")
    CLOSED = "closed", _("Closed")
    ON_HOLD = "on_hold", _("On hold")


CASE_STATUS_BADGE = {
    CaseStatus.REGISTERED: "secondary",
    CaseStatus.IDENTITY_IN_PROGRESS: "info",
    CaseStatus.NATIONALITY_VERIFICATION: "info",
    CaseStatus.ASSESSMENT: "info",
    CaseStatus.READY_FOR_REQUEST: "primary",
    CaseStatus.REQUEST_PENDING: "warning",
    CaseStatus.ACCEPTED: "success",
    CaseStatus.REFUSED: "danger",
    CaseStatus.HANDOVER_SCHEDULED: "primary",
    CaseStatus.HANDED_OVER: "success",
    CaseStatus.REPATRIATED: "success",
    CaseStatus.CLOSED: "dark",
    CaseStatus.ON_HOLD: "warning",
}


class ClosureReason(models.TextChoices):
    REPATRIATED = "repatriated", _("Repatriated")
    RESETTLED = "resettled", _("Resettled")
    REUNIFIED = "reunified", _("Reunified")
    RELEASED_LOCALLY = "released_locally", _("Released locally")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred to another organisation")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DUPLICATE = "duplicate", _("Duplicate record")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    RANGE = "range", _("Estimated range")
    UNKNOWN = "unknown", _("Unknown")


class SeparationStatus(models.TextChoices):
    NONE = "none", _("Accompanied")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied child")
    SEPARATED = "separated", _("Separated child")


class AliasKind(models.TextChoices):
    ALIAS = "alias", _("Alias")
    KUNYA = "kunya", _("Kunya (Abu / Umm …)")
    NOM_DE_GUERRE = "nom_de_guerre", _("Nom de guerre")
    BIRTH_NAME = "birth_name", _("Birth name")
    MARRIED_NAME = "married_name", _("Married name")
    SPELLING = "spelling", _("Other spelling")


class Script(models.TextChoices):
    ARABIC = "arab", _("Arabic")
    LATIN = "latn", _("Latin")
    CYRILLIC = "cyrl", _("Cyrillic")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    SPOUSE = "spouse", _("Spouse")
    GUARDIAN = "guardian", _("Guardian")
    WARD = "ward", _("Ward")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative")


class TransferReason(models.TextChoices):
    INITIAL = "initial", _("Initial registration")
    TRANSFER = "transfer", _("Transfer")
    AGE_TRANSFER = "age_transfer", _("Age-based transfer (boys)")
    MEDICAL = "medical", _("Medical")
    SECURITY = "security", _("Security")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    HANDOVER = "handover", _("Handover")
    HANDOVER_TO_STATE = "handover_to_state", _("Handover to the State's delegation")
    OTHER = "other", _("Other")


class ClaimBasis(models.TextChoices):
    PARENT = "parent", _("Born to a national parent")
    BIRTH_TERRITORY = "birth_territory", _("Born on the territory")
    MARRIAGE = "marriage", _("Marriage")
    NATURALISATION = "naturalisation", _("Naturalisation")
    DOCUMENTS = "documents", _("Documents held")
    DECLARATION = "declaration", _("Own declaration")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    UNDER_VERIFICATION = "under_verification", _("Under verification")
    DNA_PENDING = "dna_pending", _("DNA pending")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    DISPUTED = "disputed", _("Disputed")
    DEPRIVED = "deprived", _("Deprived (nationality stripped)")


CLAIM_STATUS_BADGE = {
    ClaimStatus.CLAIMED: "secondary",
    ClaimStatus.DOCUMENTS_REQUESTED: "info",
    ClaimStatus.UNDER_VERIFICATION: "info",
    ClaimStatus.DNA_PENDING: "warning",
    ClaimStatus.CONFIRMED: "success",
    ClaimStatus.NOT_CONFIRMED: "danger",
    ClaimStatus.DISPUTED: "warning",
    ClaimStatus.DEPRIVED: "dark",
}


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National ID card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    FAMILY_BOOK = "family_book", _("Family book")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    EMERGENCY_TRAVEL_DOCUMENT = "emergency_travel_document", _("Emergency travel document")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    OTHER = "other", _("Other")


TRAVEL_DOCUMENT_TYPES = frozenset(
    {DocumentType.PASSPORT, DocumentType.EMERGENCY_TRAVEL_DOCUMENT, DocumentType.LAISSEZ_PASSER}
)


class DnaOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    MATCH = "match", _("Match")
    NO_MATCH = "no_match", _("No match")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class AssessmentKind(models.TextChoices):
    VULNERABILITY = "vulnerability", _("Vulnerability assessment")
    BIA = "bia", _("Best-interests assessment (BIA)")
    BID = "bid", _("Best-interests determination (BID)")
    CONSENT = "consent", _("Consent")
    LEGAL_REPRESENTATION = "legal_representation", _("Legal representation")
    MEDICAL = "medical", _("Medical assessment")


class AssessmentOutcome(models.TextChoices):
    """What an assessment concluded; for a best-interests determination, whether the child may leave without a parent."""

    RETURN_WITHOUT_PARENT = "return_without_parent", _("Return without the parent is in the child's best interests")
    STAY_WITH_FAMILY = "stay_with_family", _("The child should stay with the family")
    OTHER = "other", _("Other (see the findings)")


# Age bands on the earliest plausible date of birth (the oldest the person may be): key, label,
# youngest and oldest age in whole years (None: no upper bound). The person list filters by them and
# the facility page counts by them.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-4", _("0–4 years"), 0, 4),
    ("5-10", _("5–10 years"), 5, 10),
    ("11-17", _("11–17 years"), 11, 17),
    ("18+", _("18 and over"), 18, None),
)


class ReturnWish(models.TextChoices):
    """The person's own wish about returning to a State, in their words (or a parent's, for a young child)."""

    WISHES_TO_RETURN = "wishes_to_return", _("Wishes to return")
    DOES_NOT_WISH = "does_not_wish", _("Does not wish to return")
    UNDECIDED = "undecided", _("Undecided")
    NOT_ASKED = "not_asked", _("Not yet asked")
    CANNOT_EXPRESS = "cannot_express", _("Too young or unable to express a wish")


class ReturnRisk(models.TextChoices):
    """Outcome of a risk-on-return (non-refoulement) assessment."""

    NOT_ASSESSED = "not_assessed", _("Not assessed")
    NO_REAL_RISK = "no_real_risk", _("No real risk found")
    RISK = "risk", _("Real risk of serious harm")
    HIGH_RISK = "high_risk", _("High risk: return would breach non-refoulement")


RETURN_RISK_BADGE = {
    ReturnRisk.NOT_ASSESSED: "secondary",
    ReturnRisk.NO_REAL_RISK: "success",
    ReturnRisk.RISK: "warning",
    ReturnRisk.HIGH_RISK: "danger",
}

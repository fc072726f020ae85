"""Choices of government requests and handovers, with badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    NO_RESPONSE = "no_response", _("No response")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    REFUSED = "refused", _("Refused")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    OPERATION_PLANNED = "operation_planned", _("Operation planned")
    COMPLETED = "completed", _("Completed")
    PARTIALLY_COMPLETED = "partially_completed", _("Partially completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


DECISION_STATUSES = frozenset({RequestStatus.ACCEPTED, RequestStatus.PARTIALLY_ACCEPTED, RequestStatus.REFUSED})
# Requests that a State still owes an answer on.
AWAITING_ANSWER_STATUSES = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.ACKNOWLEDGED,
        RequestStatus.UNDER_REVIEW,
        RequestStatus.INFORMATION_REQUESTED,
        RequestStatus.NO_RESPONSE,
        RequestStatus.REVIEW_REQUESTED,
    }
)
# Requests still open for a person: a draft being prepared, or one a State owes an answer on.
OPEN_REQUEST_STATUSES = AWAITING_ANSWER_STATUSES | {RequestStatus.DRAFT}
# Requests that no State has (or still has) before it: they put no case in "request pending", and
# no decision can be recorded on them.
UNSUBMITTED_STATUSES = frozenset({RequestStatus.DRAFT, RequestStatus.WITHDRAWN, RequestStatus.LAPSED})

REQUEST_STATUS_BADGE = {
    RequestStatus.DRAFT: "secondary",
    RequestStatus.SUBMITTED: "info",
    RequestStatus.ACKNOWLEDGED: "info",
    RequestStatus.UNDER_REVIEW: "info",
    RequestStatus.INFORMATION_REQUESTED: "warning",
    RequestStatus.NO_RESPONSE: "warning",
    RequestStatus.ACCEPTED: "success",
    RequestStatus.PARTIALLY_ACCEPTED: "success",
    RequestStatus.REFUSED: "danger",
    RequestStatus.REVIEW_REQUESTED: "warning",
    RequestStatus.OPERATION_PLANNED: "primary",
    RequestStatus.COMPLETED: "dark",
    RequestStatus.PARTIALLY_COMPLETED: "dark",
    RequestStatus.WITHDRAWN: "secondary",
    RequestStatus.LAPSED: "secondary",
}


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    LETTER = "letter", _("Letter")
    DELEGATION_MEETING = "delegation_meeting", _("Delegation meeting")
    THIRD_STATE = "third_state", _("Through a third State")
    OTHER = "other", _("Other")


class AuthorityKind(models.TextChoices):
    FOREIGN_MINISTRY = "foreign_ministry", _("Foreign ministry")
    EMBASSY = "embassy", _("Embassy")
    CONSULATE = "consulate", _("Consulate")
    INTERIOR_MINISTRY = "interior_ministry", _("Interior ministry")
    PROSECUTOR = "prosecutor", _("Prosecutor or court")
    CHILD_PROTECTION = "child_protection", _("Child-protection service")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Accepted with conditions")
    REFUSED = "refused", _("Refused")
    NO_ANSWER = "no_answer", _("No answer")


# A State said yes (with or without conditions): the person may be handed over.
ACCEPTED_DECISIONS = frozenset({Decision.ACCEPTED, Decision.PARTIALLY_ACCEPTED})
# A handover can be planned once the State accepted someone, and another one while one is planned.
HANDOVER_PLANNABLE_STATUSES = frozenset(
    {RequestStatus.ACCEPTED, RequestStatus.PARTIALLY_ACCEPTED, RequestStatus.OPERATION_PLANNED}
)

DECISION_BADGE = {
    Decision.PENDING: "secondary",
    Decision.ACCEPTED: "success",
    Decision.PARTIALLY_ACCEPTED: "success",
    Decision.REFUSED: "danger",
    Decision.NO_ANSWER: "warning",
}


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    INFORMATION_PROVIDED = "information_provided", _("Information provided")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    ANSWER = "answer", _("Answer")
    FOLLOW_UP = "follow_up", _("Follow-up")
    APPEAL = "appeal", _("Appeal or review")
    COURT_DEADLINE = "court_deadline", _("Court deadline")
    ARRIVAL_CONFIRMED = "arrival_confirmed", _("Arrival in the home State confirmed")
    NOTE = "note", _("Note")


class HandoverStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Draft")
    SENT = "sent", _("Sent")
    DISCARDED = "discarded", _("Discarded")


class DisclosureField(models.TextChoices):
    """The person fields an organisation may choose to disclose to an authority: a fixed whitelist.

    None of them is highly sensitive (L3); `DISCLOSURE_FIELD_SOURCES` names the model fields each
    one reads, and a test checks that none of those is in a model's `SENSITIVE_FIELDS`.
    """

    CASE_NUMBER = "case_number", _("Case number (always)")
    NAMES_LATIN = "names_latin", _("Names in Latin script")
    NAMES_ARABIC = "names_arabic", _("Names in Arabic script")
    SEX = "sex", _("Sex")
    BIRTH_DATE = "birth_date", _("Date of birth, with its precision")
    PLACE_OF_BIRTH = "place_of_birth", _("Place and country of birth")
    NATIONALITY_CLAIMED = "nationality_claimed", _("Nationality claimed (towards this State only)")
    CURRENT_FACILITY = "current_facility", _("Current facility (name only)")
    REQUEST_REFERENCE = "request_reference", _("Request reference and date sent")
    IDENTITY_DOCUMENTS = "identity_documents", _("Identity documents, with their copies as annexes of a dossier")


# (model label, field names) each disclosure field reads. Never a section or an exact location.
DISCLOSURE_FIELD_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    DisclosureField.CASE_NUMBER: ("people.Person", ("case_number",)),
    DisclosureField.NAMES_LATIN: (
        "people.Person",
        ("given_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat"),
    ),
    DisclosureField.NAMES_ARABIC: (
        "people.Person",
        ("given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar"),
    ),
    DisclosureField.SEX: ("people.Person", ("sex",)),
    DisclosureField.BIRTH_DATE: (
        "people.Person",
        ("birth_date", "birth_date_precision", "birth_date_earliest", "birth_date_latest"),
    ),
    DisclosureField.PLACE_OF_BIRTH: ("people.Person", ("place_of_birth", "country_of_birth")),
    DisclosureField.NATIONALITY_CLAIMED: ("people.NationalityClaim", ("country",)),
    DisclosureField.CURRENT_FACILITY: ("people.CustodyPeriod", ("facility",)),
    DisclosureField.REQUEST_REFERENCE: ("govrequests.GovernmentRequest", ("reference", "submitted_on")),
    DisclosureField.IDENTITY_DOCUMENTS: (
        "people.IdentityDocument",
        ("document_type", "number", "issuing_country", "issued_on", "expires_on", "file"),
    ),
}

# Disclosed when the organisation has set nothing for the authority or its State.
DEFAULT_DISCLOSURE_FIELDS: tuple[str, ...] = (
    DisclosureField.CASE_NUMBER,
    DisclosureField.NAMES_LATIN,
    DisclosureField.NAMES_ARABIC,
    DisclosureField.SEX,
    DisclosureField.BIRTH_DATE,
)

# Languages with their own letter templates (templates/email/authority_followup_<code>.*); others get English.
FOLLOWUP_LANGUAGES = ("en", "fr", "ar")
HANDOVER_STATUS_BADGE = {
    HandoverStatus.PLANNED: "primary",
    HandoverStatus.COMPLETED: "success",
    HandoverStatus.CANCELLED: "secondary",
}

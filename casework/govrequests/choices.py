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
    ANSWER = "answer", _("Answer")
    FOLLOW_UP = "follow_up", _("Follow-up")
    APPEAL = "appeal", _("Appeal or review")
    COURT_DEADLINE = "court_deadline", _("Court deadline")
    NOTE = "note", _("Note")


class HandoverStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


HANDOVER_STATUS_BADGE = {
    HandoverStatus.PLANNED: "primary",
    HandoverStatus.COMPLETED: "success",
    HandoverStatus.CANCELLED: "secondary",
}

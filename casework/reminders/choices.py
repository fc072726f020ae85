"""Choices of the reminders app: rule kinds, recipients and reminder statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    """What a rule watches. The meaning of a rule's offsets depends on its kind (see rules.py)."""

    REQUEST_NOT_ACKNOWLEDGED = "request_not_acknowledged", _("Request not acknowledged")
    NO_DECISION = "no_decision", _("No decision after acknowledgement")
    MARK_NO_RESPONSE = "mark_no_response", _("Request marked “no response”")
    INFORMATION_DUE = "information_due", _("Information requested by a State is due")
    COURT_DEADLINE = "court_deadline", _("Court or appeal deadline")
    BOY_APPROACHING_11 = "boy_approaching_11", _("Boy approaching 11")
    STATE_AGE_LIMIT = "state_age_limit", _("Child reaching the State's age limit")
    MINOR_TURNING_18 = "minor_turning_18", _("Minor turning 18")
    TRAVEL_DOCUMENT_EXPIRING = "travel_document_expiring", _("Travel document expiring near a handover")
    DNA_RESULT_OVERDUE = "dna_result_overdue", _("DNA result overdue")
    URGENT_MEDICAL = "urgent_medical", _("Urgent medical case")
    UASC_REVIEW = "uasc_review", _("Unaccompanied or separated child: review due")
    CASE_INACTIVE = "case_inactive", _("Case inactive")
    HEARING = "hearing", _("Court hearing")


# Kinds whose mere existence reveals a highly sensitive (L3) fact: `Person.medical_urgent` is L3, and
# so are legal proceedings (a hearing reminder tells that there is one).
SENSITIVE_KINDS = frozenset({RuleKind.URGENT_MEDICAL, RuleKind.HEARING})


class Recipient(models.TextChoices):
    ASSIGNED_CASEWORKER = "assigned_caseworker", _("Assigned caseworker")
    SUPERVISORS = "supervisors", _("Supervisors of the organisation")
    ORGANISATION_MAILBOX = "organisation_mailbox", _("Organisation mailbox")


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    DONE = "done", _("Done")
    DISMISSED = "dismissed", _("Dismissed")
    # Closed by itself: what raised it stopped holding (see `reminders.services.recheck`).
    RESOLVED = "resolved", _("Resolved by itself")


# Not yet resolved: shown on the home, person and request pages.
UNRESOLVED_STATUSES = frozenset({ReminderStatus.OPEN, ReminderStatus.ACKNOWLEDGED, ReminderStatus.SNOOZED})

"""Government authorities, requests, handover operations, follow-ups and disclosures.

Modules: `requests` (authorities, requests, covered persons, events, status history),
`handovers` (handover operations), `periods` (answer periods of the deadline clock), `followups` (follow-ups, disclosure policies and records).
Everything is re-exported here: `from casework.govrequests.models import GovernmentRequest`.
"""

from casework.govrequests.models.followups import (
    AuthorityFollowUp,
    AuthorityFollowUpQuerySet,
    DisclosedPerson,
    Disclosure,
    DisclosurePolicy,
    DisclosureQuerySet,
    FollowUpItem,
    l3_disclosure_fields,
    validate_disclosure_fields,
)
from casework.govrequests.models.handovers import HandoverOperation, HandoverOperationQuerySet, HandoverPerson
from casework.govrequests.models.periods import AnswerPeriod, AnswerPeriodQuerySet, answer_period_for
from casework.govrequests.models.requests import (
    RS,
    GovernmentAuthority,
    GovernmentAuthorityQuerySet,
    GovernmentRequest,
    GovernmentRequestQuerySet,
    RequestedPerson,
    RequestEvent,
    RequestScopedQuerySet,
    RequestStatusChange,
)

__all__ = [
    "RS",
    "AnswerPeriod",
    "AnswerPeriodQuerySet",
    "AuthorityFollowUp",
    "AuthorityFollowUpQuerySet",
    "DisclosedPerson",
    "Disclosure",
    "DisclosurePolicy",
    "DisclosureQuerySet",
    "FollowUpItem",
    "GovernmentAuthority",
    "GovernmentAuthorityQuerySet",
    "GovernmentRequest",
    "GovernmentRequestQuerySet",
    "HandoverOperation",
    "HandoverOperationQuerySet",
    "HandoverPerson",
    "RequestEvent",
    "RequestScopedQuerySet",
    "RequestStatusChange",
    "RequestedPerson",
    "answer_period_for",
    "l3_disclosure_fields",
    "validate_disclosure_fields",
]

"""The tables that steer the draw: scenarios (how far a case has gone) and the odds of everything else."""

from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from casework.govrequests.choices import Channel, Decision
from casework.govrequests.choices import RequestStatus as RS
from casework.people.choices import (
    CaseStatus,
    ClaimStatus,
    ClosureReason,
    DocumentType,
)

FIRST_ARRIVAL = date(2019, 3, 1)  # the last enclave emptied in February–March 2019
FIRST_REQUEST = date(2019, 6, 1)

CS = CaseStatus
DECISIONS = (RS.ACCEPTED, RS.PARTIALLY_ACCEPTED, RS.REFUSED)


# --- Scenarios ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """How far a unit's case has gone. `request` is the path of the request's status (None: no request)."""

    name: str
    weight: float
    adult: str  # final case status of the mother or single adult
    child: str  # final case status of the children
    request: tuple[str, ...] | None = None
    window: tuple[int, int] = (0, 0)  # days before today of the request's last status change
    decision_adult: str = Decision.PENDING
    decision_child: str = Decision.PENDING
    family_only: bool = False  # needs a mother and at least one child


SENT = (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.UNDER_REVIEW)
SCENARIOS: list[Scenario] = [
    Scenario("registered", 6, CS.REGISTERED, CS.REGISTERED),
    Scenario("identity", 10, CS.IDENTITY_IN_PROGRESS, CS.IDENTITY_IN_PROGRESS),
    Scenario("nationality", 14, CS.NATIONALITY_VERIFICATION, CS.NATIONALITY_VERIFICATION),
    Scenario("assessment", 8, CS.ASSESSMENT, CS.ASSESSMENT),
    Scenario("ready", 5, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST),
    Scenario("draft", 3, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST, (), (0, 45)),
    Scenario("submitted", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, (RS.SUBMITTED,), (3, 50)),
    Scenario("acknowledged", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, SENT[:2], (5, 120)),
    Scenario("under_review", 4, CS.REQUEST_PENDING, CS.REQUEST_PENDING, SENT, (10, 300)),
    Scenario(
        "information_requested", 3, CS.REQUEST_PENDING, CS.REQUEST_PENDING,
        (*SENT[:2], RS.INFORMATION_REQUESTED), (3, 45),
    ),
    Scenario(
        "no_response", 3, CS.REQUEST_PENDING, CS.REQUEST_PENDING, (RS.SUBMITTED, RS.NO_RESPONSE), (5, 600),
        Decision.NO_ANSWER, Decision.NO_ANSWER,
    ),
    Scenario(
        "accepted", 3, CS.ACCEPTED, CS.ACCEPTED, (*SENT, RS.ACCEPTED), (5, 200), Decision.ACCEPTED, Decision.ACCEPTED
    ),
    Scenario(
        "partially_accepted", 2, CS.REFUSED, CS.ACCEPTED, (*SENT, RS.PARTIALLY_ACCEPTED), (5, 200),
        Decision.REFUSED, Decision.ACCEPTED, family_only=True,
    ),
    Scenario(
        "refused", 4, CS.REFUSED, CS.REFUSED, (*SENT, RS.REFUSED), (5, 1800), Decision.REFUSED, Decision.REFUSED
    ),
    Scenario(
        "review_requested", 1.5, CS.REQUEST_PENDING, CS.REQUEST_PENDING,
        (*SENT, RS.REFUSED, RS.REVIEW_REQUESTED), (5, 60), Decision.REFUSED, Decision.REFUSED,
    ),
    Scenario(
        "operation_planned", 2, CS.HANDOVER_SCHEDULED, CS.HANDOVER_SCHEDULED,
        (*SENT, RS.ACCEPTED, RS.OPERATION_PLANNED), (1, 60), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "handed_over", 1.5, CS.HANDED_OVER, CS.HANDED_OVER,
        (*SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (3, 20), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "repatriated", 3, CS.REPATRIATED, CS.REPATRIATED,
        (*SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (21, 700), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "closed_repatriated", 4, CS.CLOSED, CS.CLOSED,
        (*SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (200, 2300), Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "partially_completed", 1, CS.REPATRIATED, CS.REPATRIATED,
        (*SENT, RS.ACCEPTED, RS.OPERATION_PLANNED, RS.PARTIALLY_COMPLETED), (21, 900),
        Decision.ACCEPTED, Decision.ACCEPTED,
    ),
    Scenario(
        "children_only", 2, CS.REFUSED, CS.REPATRIATED,
        (*SENT, RS.PARTIALLY_ACCEPTED, RS.OPERATION_PLANNED, RS.COMPLETED), (21, 1500),
        Decision.REFUSED, Decision.ACCEPTED, family_only=True,
    ),
    Scenario("withdrawn", 1.5, CS.ON_HOLD, CS.ON_HOLD, (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.WITHDRAWN), (5, 1200)),
    Scenario(
        "lapsed", 1.5, CS.READY_FOR_REQUEST, CS.READY_FOR_REQUEST, (RS.SUBMITTED, RS.NO_RESPONSE, RS.LAPSED),
        (5, 1500), Decision.NO_ANSWER, Decision.NO_ANSWER,
    ),
    Scenario("on_hold", 4, CS.ON_HOLD, CS.ON_HOLD),
    Scenario("closed_other", 4, CS.CLOSED, CS.CLOSED),
]  # fmt: skip
SCENARIO_BY_NAME = {s.name: s for s in SCENARIOS}
# A unit of one person cannot be partially accepted.
SINGLE_FALLBACK = {"partially_accepted": "accepted", "children_only": "refused", "partially_completed": "repatriated"}
COMPLETED_SCENARIOS = ("handed_over", "repatriated", "closed_repatriated", "partially_completed", "children_only")
# How a State's stance shifts the odds of each scenario.
POLICY_FACTORS: dict[str, dict[str, float]] = {
    "repatriates": {
        **dict.fromkeys(COMPLETED_SCENARIOS, 2.5),
        "operation_planned": 2.0,
        **dict.fromkeys(("refused", "no_response", "lapsed", "review_requested"), 0.5),
    },
    "children_first": {"partially_accepted": 4.0, "children_only": 5.0, "accepted": 0.5, "closed_repatriated": 0.5},
    "case_by_case": {},
    "reluctant": {
        "refused": 2.0,
        "no_response": 2.5,
        "lapsed": 2.5,
        "review_requested": 2.0,
        "operation_planned": 0.5,
        **dict.fromkeys(COMPLETED_SCENARIOS, 0.3),
    },
}
UNIT_KINDS = ["family", "single_woman", "single_man", "uasc"]
UNIT_CUM = list(accumulate([72, 12, 8, 8]))
CHILDREN_COUNT_CUM = list(accumulate([22, 26, 22, 14, 9, 7]))  # 1..6 children
CLOSURE_CUM = list(accumulate([10, 15, 25, 10, 15, 15, 10]))
OTHER_CLOSURES = [
    ClosureReason.RESETTLED,
    ClosureReason.REUNIFIED,
    ClosureReason.RELEASED_LOCALLY,
    ClosureReason.DECEASED,
    ClosureReason.TRANSFERRED,
    ClosureReason.LOST_CONTACT,
    ClosureReason.DUPLICATE,
]
# Closure reasons after which the person is no longer held.
LEFT_CUSTODY = {ClosureReason.RESETTLED, ClosureReason.REUNIFIED, ClosureReason.RELEASED_LOCALLY}

# Primary nationality claim status by scenario (the mothers of partial acceptances use "mother_refused").
CLAIM_STATUS_WEIGHTS: dict[str, list[tuple[str, int]]] = {
    "registered": [(ClaimStatus.CLAIMED, 1)],
    "identity": [(ClaimStatus.CLAIMED, 60), (ClaimStatus.DOCUMENTS_REQUESTED, 40)],
    "nationality": [
        (ClaimStatus.DOCUMENTS_REQUESTED, 25),
        (ClaimStatus.UNDER_VERIFICATION, 45),
        (ClaimStatus.DNA_PENDING, 30),
    ],
    "early_request": [(ClaimStatus.UNDER_VERIFICATION, 25), (ClaimStatus.CONFIRMED, 75)],
    "pending": [(ClaimStatus.UNDER_VERIFICATION, 40), (ClaimStatus.DNA_PENDING, 15), (ClaimStatus.CONFIRMED, 45)],
    "confirmed": [(ClaimStatus.CONFIRMED, 1)],
    "refused": [
        (ClaimStatus.NOT_CONFIRMED, 30),
        (ClaimStatus.DISPUTED, 20),
        (ClaimStatus.DEPRIVED, 25),
        (ClaimStatus.CONFIRMED, 25),
    ],
    "mother_refused": [(ClaimStatus.DEPRIVED, 50), (ClaimStatus.CONFIRMED, 35), (ClaimStatus.DISPUTED, 15)],
    "on_hold": [(ClaimStatus.CLAIMED, 30), (ClaimStatus.UNDER_VERIFICATION, 40), (ClaimStatus.DISPUTED, 30)],
    "closed": [(ClaimStatus.CLAIMED, 30), (ClaimStatus.UNDER_VERIFICATION, 30), (ClaimStatus.CONFIRMED, 40)],
}
# The status of a second nationality claim (a parent's other State, a heritage nationality).
SECOND_CLAIM_STATUS_WEIGHTS = (
    (ClaimStatus.CLAIMED, 50),
    (ClaimStatus.UNDER_VERIFICATION, 35),
    (ClaimStatus.NOT_CONFIRMED, 15),
)
# The identity document a person brought, if any.
CHILD_DOCUMENT_WEIGHTS = (
    (DocumentType.BIRTH_CERTIFICATE, 65),
    (DocumentType.FAMILY_BOOK, 15),
    (DocumentType.OTHER, 15),
    (DocumentType.PASSPORT, 5),
)
ADULT_DOCUMENT_WEIGHTS = (
    (DocumentType.PASSPORT, 45),
    (DocumentType.NATIONAL_ID, 35),
    (DocumentType.FAMILY_BOOK, 8),
    (DocumentType.MARRIAGE_CERTIFICATE, 7),
    (DocumentType.OTHER, 5),
)
# How a request reaches the State.
CHANNEL_WEIGHTS = (
    (Channel.EMAIL, 50),
    (Channel.NOTE_VERBALE, 25),
    (Channel.LETTER, 10),
    (Channel.DELEGATION_MEETING, 10),
    (Channel.THIRD_STATE, 5),
)
CLAIM_GROUP = {
    "registered": "registered",
    "identity": "identity",
    "nationality": "nationality",
    "assessment": "early_request",
    "ready": "early_request",
    "draft": "early_request",
    "submitted": "pending",
    "acknowledged": "pending",
    "under_review": "pending",
    "information_requested": "pending",
    "no_response": "pending",
    "review_requested": "refused",
    "lapsed": "pending",
    "withdrawn": "pending",
    "refused": "refused",
    "on_hold": "on_hold",
    "closed_other": "closed",
}
WESTERN = frozenset(
    ("FR", "DE", "BE", "NL", "GB", "SE", "DK", "NO", "FI", "AT", "CH", "IT", "ES", "PT", "IE", "US", "CA", "AU", "NZ")
)

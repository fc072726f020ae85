"""Writes about government requests and handover operations, one module per seam.

Terms: a *request* asks one authority of one State to take back the persons it *covers*; the
State answers with a *decision* per covered person, from which the request's own decision status
follows; *events* are what happened on the request (sent, acknowledged, information requested,
answer, follow-up, appeal, court deadline). A *handover operation* is the day persons are handed
to the State's delegation against a signed handover document.

A *follow-up* is one consolidated letter to an authority that has not answered, listing every
person it still owes a decision on across the organisation's requests to it; it is *drafted*
(or refreshed) automatically by the reminder sweep or by a caseworker, reviewed, then *sent*.
Sending it is a *disclosure*: the fields the organisation's *disclosure policy* allows for that
authority (never an L3 field), recorded with who, when, to which address and which persons.

Modules: `requests` (requests, their persons, status moves, events, decisions), `handovers`,
`followups` (follow-ups and disclosures), `common` (what they share). The public names are
re-exported here: `from casework.govrequests import services; services.gov_request_create(...)`.
"""

from casework.govrequests.services.followups import (
    SEND_FOLLOWUP_PERMISSION,
    followup_discard,
    followup_draft_for,
    followup_drafts_refresh_many,
    followup_send,
)
from casework.govrequests.services.handovers import handover_cancel, handover_complete, handover_plan
from casework.govrequests.services.requests import (
    EVENT_MOVES_REQUEST_TO,
    gov_request_add_persons,
    gov_request_create,
    gov_request_record_decisions,
    gov_request_record_event,
    gov_request_remove_person,
    gov_request_transition,
    gov_requests_mark_no_response,
)

__all__ = [
    "EVENT_MOVES_REQUEST_TO",
    "SEND_FOLLOWUP_PERMISSION",
    "followup_discard",
    "followup_draft_for",
    "followup_drafts_refresh_many",
    "followup_send",
    "gov_request_add_persons",
    "gov_request_create",
    "gov_request_record_decisions",
    "gov_request_record_event",
    "gov_request_remove_person",
    "gov_request_transition",
    "gov_requests_mark_no_response",
    "handover_cancel",
    "handover_complete",
    "handover_plan",
]

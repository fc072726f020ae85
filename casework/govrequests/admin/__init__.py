"""Admin of government authorities, requests, their events and decisions, and handover operations.

Writes that matter go through the services: a new request through `gov_request_create`, persons
added to a draft through `gov_request_add_persons`, new events through `gov_request_record_event`
(which may move the status), status changes through the "Change request status…" action and the
State's decisions through the "Record decisions…" action (`gov_request_record_decisions`, which
needs `govrequests.decide_request`). Disclosure policies are edited here; follow-up drafts and the
disclosure record are read-only (they are written by `followup_draft_for` and `followup_send`). In the request's inline, decisions are read-only and covered
persons can only be added or removed while the request is a draft.

Modules: `forms` (the decisions action's form, the disclosure policy's form), `common` (what the
request and handover admins share), `inlines`, `requests` (authorities, requests, their events and
status changes, handover operations), `disclosures` (disclosure policies, answer periods, follow-up
drafts and the disclosure record).
"""

from casework.govrequests.admin import disclosures, requests  # noqa: F401  (they register their admins)

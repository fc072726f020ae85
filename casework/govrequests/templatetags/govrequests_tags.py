"""Display helpers for government requests: badge colours of statuses and decisions, disclosures about a person."""

from typing import Any

from django import template

from casework.govrequests import selectors
from casework.govrequests.choices import DECISION_BADGE, HANDOVER_STATUS_BADGE, REQUEST_STATUS_BADGE

register = template.Library()


@register.filter
def request_status_badge(status: str) -> str:
    """The Bootstrap colour of a request status badge."""
    return REQUEST_STATUS_BADGE.get(status, "secondary")


@register.filter
def decision_badge(decision: str) -> str:
    """The Bootstrap colour of a per-person decision badge."""
    return DECISION_BADGE.get(decision, "secondary")


@register.inclusion_tag("govrequests/_person_disclosures.html", takes_context=True)
def person_disclosures(context: template.Context, person: Any) -> dict[str, Any]:
    """“Disclosed to X on D: fields…” for each disclosure about `person` (one query)."""
    rows = selectors.disclosures_about(person=person, user=context["request"].user)
    return {"disclosure_rows": rows}


@register.filter
def handover_status_badge(status: str) -> str:
    """The Bootstrap colour of a handover operation's status badge."""
    return HANDOVER_STATUS_BADGE.get(status, "secondary")

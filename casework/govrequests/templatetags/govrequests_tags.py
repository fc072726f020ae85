"""Display helpers for government requests: badge colours of statuses, decisions and handovers (no queries)."""

from django import template

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


@register.filter
def handover_status_badge(status: str) -> str:
    """The Bootstrap colour of a handover operation's status badge."""
    return HANDOVER_STATUS_BADGE.get(status, "secondary")

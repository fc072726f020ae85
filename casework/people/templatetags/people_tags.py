"""Display helpers for persons: badge colours of case and nationality-claim statuses."""

from django import template

from casework.people.choices import CASE_STATUS_BADGE, CLAIM_STATUS_BADGE, RETURN_RISK_BADGE

register = template.Library()


@register.filter
def case_status_badge(status: str) -> str:
    """The Bootstrap colour of a case status badge."""
    return CASE_STATUS_BADGE.get(status, "secondary")


@register.filter
def claim_status_badge(status: str) -> str:
    """The Bootstrap colour of a nationality-claim status badge."""
    return CLAIM_STATUS_BADGE.get(status, "secondary")


@register.filter
def return_risk_badge(risk: str) -> str:
    """The Bootstrap colour of a risk-on-return badge."""
    return RETURN_RISK_BADGE.get(risk, "secondary")

"""Display helpers for persons: badge colours of case and nationality-claim statuses."""

from django import template

from casework.core.badges import badge_filter
from casework.people.choices import CASE_STATUS_BADGE, CLAIM_STATUS_BADGE, RETURN_RISK_BADGE

register = template.Library()

register.filter("case_status_badge", badge_filter(CASE_STATUS_BADGE, "The colour of a case status badge."))
register.filter(
    "claim_status_badge", badge_filter(CLAIM_STATUS_BADGE, "The colour of a nationality-claim status badge.")
)
register.filter("return_risk_badge", badge_filter(RETURN_RISK_BADGE, "The colour of a risk-on-return badge."))

"""Display helpers for government requests: badge colours of statuses, decisions and handovers (no queries)."""

from django import template

from casework.core.badges import badge_filter
from casework.govrequests.choices import DECISION_BADGE, HANDOVER_STATUS_BADGE, REQUEST_STATUS_BADGE

register = template.Library()

register.filter("request_status_badge", badge_filter(REQUEST_STATUS_BADGE, "The colour of a request status badge."))
register.filter("decision_badge", badge_filter(DECISION_BADGE, "The colour of a per-person decision badge."))
register.filter(
    "handover_status_badge", badge_filter(HANDOVER_STATUS_BADGE, "The colour of a handover operation's status badge.")
)

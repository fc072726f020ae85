"""The home page: my work.

It lives here rather than in `core` because it reads people and govrequests selectors, and
`core` may not import apps to its right (style guide §2).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.govrequests import selectors as request_selectors
from casework.people import selectors as people_selectors

# Supervisors (and organisation admins) see their organisation's figures.
SEES_ORGANISATION_PERMISSION = "people.assign_case"


def home(request: HttpRequest) -> HttpResponse:
    """My assigned cases by status, overdue requests, recent changes; organisation counts for supervisors."""
    user = request.user
    if not user.has_perm("people.view_person"):
        # A user in no role (created without one, or whose roles were removed): an empty page, no names or counts.
        return render(request, "home.html", {"sees_organisation": False})
    overdue = list(request_selectors.overdue_requests(user=user))
    context = {
        "caseload": people_selectors.caseload_for(user=user),
        "overdue_requests": [(r, request_selectors.overdue_reasons(r)) for r in overdue],
        "recent_changes": list(people_selectors.recent_status_changes(user=user)),
        "recent_request_changes": list(request_selectors.recent_request_changes(user=user)),
        "sees_organisation": user.is_superuser or user.has_perm(SEES_ORGANISATION_PERMISSION),
    }
    if context["sees_organisation"]:
        context["organisation_status_counts"] = people_selectors.organisation_status_counts(user=user)
        context["organisation_nationality_counts"] = people_selectors.organisation_nationality_counts(user=user)
    return render(request, "home.html", context)

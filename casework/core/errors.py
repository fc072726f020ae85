"""The server-error page, which tells a passing outage (database, disk) from a defect.

Django calls `handler500` inside the `except` block of the failed request, so the exception is still
in `sys.exc_info()`. A database that is restarting, or a full disk under the uploads, is not a defect:
the user gets 503 with what happened to their input (nothing was saved: the request's transaction was
rolled back) and when to try again, instead of a bare "server error". The page is rendered without
the base template's context processors, which would query the database that may be down.
"""

import errno
import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def outage_kind(exc: BaseException | None) -> str | None:
    """Return "database" or "storage" for an outage the user can wait out; None for anything else."""
    if isinstance(exc, DatabaseError):
        return "database"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "storage"
    return None


def server_error(request: HttpRequest) -> HttpResponse:
    kind = outage_kind(sys.exc_info()[1])
    if kind is None:
        return HttpResponseServerError(
            render_to_string(
                "errors/server_error.html",
                {
                    "title": _("Server error"),
                    "message": _("Something went wrong on our side. The error has been logged; nothing was saved."),
                },
            )
        )
    message = (
        _("The database is not reachable for a moment. Nothing was saved; please try again in a minute.")
        if kind == "database"
        else _("The storage for uploaded files is full. Nothing was saved; please tell your administrator.")
    )
    response = HttpResponse(
        render_to_string("errors/server_error.html", {"title": _("Temporarily unavailable"), "message": message}),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response

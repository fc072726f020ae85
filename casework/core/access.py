"""The read log: which user was shown which persons, on which page, when (and why, where asked).

Views say what they showed with `note(request, ...)`; `AccessLogMiddleware` writes everything a
request noted in one INSERT after the view ran (one query per page, however many persons a list
shows), and only when the answer showed the page: a success, or a form redrawn with its errors (400) or
with a conflicting edit (409); never a refusal or a missing record. Search terms are never stored: only a keyed hash,
which tells an investigator that two searches were the same without revealing either.
"""

import hashlib
import hmac
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from casework.core.models import AccessEvent
from casework.core.sensitivity import sensitive_fields

Kind = AccessEvent.Kind
Purpose = AccessEvent.Purpose
_ATTRIBUTE = "_casework_access_log"


def person_ids_of(objects: Iterable[Any]) -> list[int]:
    """The person ids of `objects`: persons, records with a `person_id`, or plain ids."""
    ids = []
    for obj in objects:
        if isinstance(obj, int):
            ids.append(obj)
        elif isinstance(obj, models.Model):
            person_id = obj.accessed_person_id() if hasattr(obj, "accessed_person_id") else None
            person_id = person_id if person_id is not None else getattr(obj, "person_id", None)
            if person_id is not None:
                ids.append(person_id)
    return ids


def search_hash(text: str) -> str:
    """A keyed hash of a search text (normalised): comparable, not reversible without the secret key."""
    normalised = " ".join(text.casefold().split())
    return hmac.new(settings.SECRET_KEY.encode(), b"search:" + normalised.encode(), hashlib.sha256).hexdigest()


def note(
    request: HttpRequest,
    *,
    kind: str,
    persons: Iterable[Any] = (),
    search: str = "",
    filters: Iterable[str] = (),
    purpose: str = "",
) -> None:
    """Record that this request shows `persons` (kept on the request, written by the middleware)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    pending = getattr(request, _ATTRIBUTE, None)
    if pending is None:
        pending = []
        setattr(request, _ATTRIBUTE, pending)
    match = getattr(request, "resolver_match", None)
    common = {
        "kind": kind,
        "view": (match.view_name if match else "")[:100],
        "purpose": purpose[:200],
        "search_hash": search_hash(search) if search.strip() else "",
        "filters": sorted(set(filters)),
    }
    ids = list(dict.fromkeys(person_ids_of(persons)))
    # A page that showed nobody (an empty search) is logged too: the search itself is a reading.
    pending.extend({**common, "person_id": person_id} for person_id in ids or [None])


def flush(request: HttpRequest) -> list[AccessEvent]:
    """Write what the request noted, in one INSERT; returns the rows written."""
    pending = getattr(request, _ATTRIBUTE, None)
    if not pending:
        return []
    setattr(request, _ATTRIBUTE, [])
    user = request.user
    at = timezone.now()
    request_id = uuid.uuid4()
    rows = [
        AccessEvent(at=at, user=user, organisation_id=user.organisation_id, request_id=request_id, **entry)
        for entry in pending
    ]
    # One statement for a page (Django splits a long export where the database limits parameters).
    return AccessEvent.objects.bulk_create(rows)


# Answers that redraw the page they were posted from, persons included: an invalid form, a conflicting edit.
SHOWN_ERRORS = frozenset({400, 409})


class AccessLogMiddleware:
    """Writes the read log of each request after its view ran, if the answer showed what the view noted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.status_code in SHOWN_ERRORS:
            flush(request)
        return response


def asked_purpose(request: HttpRequest) -> str:
    """The purpose the reader chose (`purpose`, a code of `Purpose`), or "" when none or an unknown one."""
    value = (request.POST if request.method == "POST" else request.GET).get("purpose", "")
    return value if value in Purpose.values else ""


def note_search(request: HttpRequest, *, persons: Iterable[Any], search: str) -> None:
    """A person picker or duplicate check: the persons a typed text found (nothing when nothing was typed)."""
    if search.strip():
        note(request, kind=Kind.SEARCH, persons=persons, search=search)


def sensitive_filters(model: type[models.Model], params: Any) -> list[str]:
    """The query parameters of a list that filter on an L3 field of `model` (names only, never values)."""
    fields = sensitive_fields(model)
    return sorted(key for key in params if params.get(key) not in ("", None) and key.split("__")[0] in fields)


def note_list(request: HttpRequest, *, model: type[models.Model], persons: Iterable[Any], search: str = "") -> None:
    """A list page: a filter on an L3 field, a search, or a plain list, with the persons of the page."""
    filters = sensitive_filters(model, request.GET)
    if filters:
        kind = Kind.SENSITIVE_FILTER
    elif search.strip():
        kind = Kind.SEARCH
    else:
        kind = Kind.LIST
    note(request, kind=kind, persons=persons, search=search, filters=filters)

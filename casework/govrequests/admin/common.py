"""What the government-request admins share: columns, the event a form records, searches an assigned-only user may run."""

from collections.abc import Sequence
from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.core.admin import related_count, status_badge
from casework.core.badges import badge_colour
from casework.govrequests import services
from casework.govrequests.models import GovernmentRequest, RequestEvent


class StatusAndPersonsColumnsMixin:
    """Columns of an admin of a record covering persons (a request, a handover): a coloured status,
    the number of persons (`person_rows`: the model of the rows and its link to the record), and the
    organisation for superusers."""

    status_colours: ClassVar[dict[str, str]]
    person_rows: ClassVar[tuple[type[models.Model], str]]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        row_model, link = self.person_rows
        return super().get_queryset(request).annotate(person_total=related_count(row_model.objects, link))

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        return [*columns, "organisation"] if request.user.is_superuser else columns

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Any) -> str:
        return status_badge(obj.get_status_display(), badge_colour(self.status_colours, obj.status))

    @admin.display(description=_("persons"), ordering="person_total")
    def person_count(self, obj: Any) -> int:
        return obj.person_total


def searches_for(request: HttpRequest, fields: Sequence[str], *, covering: str) -> Sequence[str]:
    """`fields` without those through `covering` (the persons a record covers) for an assigned-only user.

    A record also covers colleagues' cases: a search by case number through it would tell the user
    whether a case outside their caseload is on it.
    """
    if request.user.is_superuser or not request.user.sees_assigned_only:
        return fields
    return [f for f in fields if not f.lstrip("^=@").startswith(f"{covering}__")]


def record_event(request: HttpRequest, *, gov_request: GovernmentRequest, obj: RequestEvent, form: Any) -> RequestEvent:
    """Record the event `obj` (unsaved, from an admin form) through `gov_request_record_event`."""
    upload = form.cleaned_data.get("document") if form is not None else None
    return services.gov_request_record_event(
        gov_request=gov_request,
        kind=obj.kind,
        occurred_on=obj.occurred_on,
        actor=request.user,
        due_on=obj.due_on,
        description=obj.description,
        document=upload or None,
    )

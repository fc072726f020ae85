"""Health view, and the permission check every page declares. The home page (my work) is `casework.pages.views.home`.

Every page of the web interface states the capability it needs with `permission_required` (functions)
or Django's `PermissionRequiredMixin` (classes); `tests/test_page_access.py` walks the URL configuration and
fails on a page that declares none, so that a logged-in user in no role cannot read anything.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from casework.core import health as core_health


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: web, database, broker, worker and beat, each told apart.

    503 only when the database is down (this process cannot serve); a stale worker or beat gives 200 with
    "status": "degraded", so that a load balancer keeps serving pages while the operator is alerted.
    """
    status, body = core_health.check()
    return JsonResponse(body, status=status)


def permission_required(*perms: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: 403 unless the user holds every permission in `perms`, checked before any lookup.

    The 403 comes before the record is looked up, so that it never tells whether a record exists. The
    view is marked with `required_permissions` for the URL-configuration test.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permissions = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


def filter_rows(filterset_class: Any, request: HttpRequest, base: QuerySet) -> tuple[Any, QuerySet]:
    """The filter set bound to the query string, and the rows of `base` it selects.

    Invalid filter input selects nothing (the form shows the errors) rather than everything.
    """
    filterset = filterset_class(request.GET or None, queryset=base, request=request)
    if not filterset.is_bound or filterset.is_valid():
        return filterset, filterset.qs
    return filterset, filterset.queryset.none()


class HtmxTableMixin:
    """A list page whose htmx requests get only the table partial (`partial_template_name`), except when
    htmx restores a page missing from its history cache, which needs the whole page."""

    request: HttpRequest
    template_name: str
    partial_template_name: str

    def get_template_names(self) -> list[str]:
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return [self.template_name]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ("HX-Request",))
        return response

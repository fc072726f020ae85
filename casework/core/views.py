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
from django.http import HttpRequest, HttpResponse, JsonResponse
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

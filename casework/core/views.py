"""Health view. The home page (my work) is `casework.pages.views.home`."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from casework.core.models import WorkerHeartbeat


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: database reachable, and when a worker last ran periodic work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    last = WorkerHeartbeat.objects.order_by("-last_seen_at").values_list("last_seen_at", flat=True).first()
    worker_age = int((timezone.now() - last).total_seconds()) if last else None
    return JsonResponse({"database": "ok", "worker_last_seen_seconds_ago": worker_age})

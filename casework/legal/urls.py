"""Legal pages of a person (L3: only for users with the sensitive-data permission)."""

from django.urls import path

from casework.legal.views import HEARINGS, PROCEEDINGS
from casework.people import record_views

app_name = "legal"

urlpatterns = []
for _kind, _segment in ((PROCEEDINGS, "legal-proceedings"), (HEARINGS, "hearings")):
    urlpatterns += [
        path(f"<uuid:public_id>/{_segment}/", record_views.record_list, {"kind": _kind}, name=f"{_kind.name}_list"),
        path(
            f"<uuid:public_id>/{_segment}/<uuid:record_id>/",
            record_views.record_update,
            {"kind": _kind},
            name=f"{_kind.name}_update",
        ),
        path(
            f"<uuid:public_id>/{_segment}/<uuid:record_id>/remove/",
            record_views.record_remove,
            {"kind": _kind},
            name=f"{_kind.name}_remove",
        ),
    ]

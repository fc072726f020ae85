"""Screening pages of a person (L3: only for users with the sensitive-data permission) and entries into custody."""

from django.urls import path

from casework.people import record_views
from casework.screenings.views import CUSTODY_ENTRIES, SCREENINGS

app_name = "screenings"

urlpatterns = [
    path("<uuid:public_id>/screenings/", record_views.record_list, {"kind": SCREENINGS}, name="screening_list"),
    path(
        "<uuid:public_id>/screenings/<uuid:record_id>/",
        record_views.record_update,
        {"kind": SCREENINGS},
        name="screening_update",
    ),
    path(
        "<uuid:public_id>/screenings/<uuid:record_id>/remove/",
        record_views.record_remove,
        {"kind": SCREENINGS},
        name="screening_remove",
    ),
]

# Entries into custody: not an L3 page (only their notes are L3).
urlpatterns += [
    path(
        "<uuid:public_id>/custody-entries/",
        record_views.record_list,
        {"kind": CUSTODY_ENTRIES},
        name="custody_entry_list",
    ),
    path(
        "<uuid:public_id>/custody-entries/<uuid:record_id>/",
        record_views.record_update,
        {"kind": CUSTODY_ENTRIES},
        name="custody_entry_update",
    ),
    path(
        "<uuid:public_id>/custody-entries/<uuid:record_id>/remove/",
        record_views.record_remove,
        {"kind": CUSTODY_ENTRIES},
        name="custody_entry_remove",
    ),
]

"""Screening pages of a person (L3: only for users with the sensitive-data permission) and entries into custody."""

from casework.people import record_views
from casework.screenings.views import CUSTODY_ENTRIES, SCREENINGS

app_name = "screenings"

urlpatterns = [
    *record_views.record_urls(SCREENINGS, "screenings"),
    # Entries into custody: not an L3 page (only their notes are L3).
    *record_views.record_urls(CUSTODY_ENTRIES, "custody-entries"),
]

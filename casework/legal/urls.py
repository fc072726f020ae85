"""Legal pages of a person (L3: only for users with the sensitive-data permission)."""

from casework.legal.views import HEARINGS, PROCEEDINGS
from casework.people import record_views

app_name = "legal"

urlpatterns = [
    *record_views.record_urls(PROCEEDINGS, "legal-proceedings"),
    *record_views.record_urls(HEARINGS, "hearings"),
]

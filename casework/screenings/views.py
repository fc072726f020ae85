"""Screening pages of a person: the generic record pages of `people.record_views`, for screenings (L3) and
for the entries into custody (how the person came out: escape, surrender; the category the screening assigned)."""

from django.utils.translation import gettext_lazy as _

from casework.people.records import add_with_recorder, form_kind
from casework.screenings.forms import CustodyEntryForm, ScreeningForm

SCREENINGS = form_kind(
    "screening", _("Screenings"), ScreeningForm, l3_page=True, related=("authority", "facility"), add=add_with_recorder
)
CUSTODY_ENTRIES = form_kind("custody_entry", _("Entry into custody"), CustodyEntryForm, related=("screening",))

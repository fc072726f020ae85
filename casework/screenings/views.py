"""Screening pages of a person: the generic record pages of `people.record_views`, for screenings (L3) and
for the entries into custody (how the person came out: escape, surrender; the category the screening assigned)."""

from django.utils.translation import gettext_lazy as _

from casework.people.records import RecordKind, add_with_recorder
from casework.screenings.forms import CustodyEntryForm, ScreeningForm
from casework.screenings.models import CustodyEntry, Screening

SCREENINGS = RecordKind(
    name="screening",
    namespace="screenings",
    model=Screening,
    title=_("Screenings"),
    columns=("screened_on", "authority", "screened_by", "facility", "location", "outcome", "findings"),
    add_form=ScreeningForm,
    edit_form=ScreeningForm,
    l3_page=True,
    rows=lambda person: Screening.objects.filter(person=person).select_related("authority", "facility"),
    add=add_with_recorder,
)

CUSTODY_ENTRIES = RecordKind(
    name="custody_entry",
    namespace="screenings",
    model=CustodyEntry,
    title=_("Entry into custody"),
    columns=("event", "occurred_on", "place", "screening_point", "population_category", "screening", "notes"),
    add_form=CustodyEntryForm,
    edit_form=CustodyEntryForm,
    rows=lambda person: CustodyEntry.objects.filter(person=person).select_related("screening"),
)

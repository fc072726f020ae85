"""Legal pages of a person: the generic record pages of `people.record_views`, for proceedings and hearings.

Both are L3 pages: they exist only for users with the sensitive-data permission (404 for anyone else),
and each showing is recorded.
"""

from django.utils.translation import gettext_lazy as _

from casework.legal.forms import HearingForm, LegalProceedingForm
from casework.people.records import add_with_recorder, form_kind

PROCEEDINGS = form_kind(
    "proceeding", _("Legal proceedings"), LegalProceedingForm, l3_page=True, related=("request",), add=add_with_recorder
)
HEARINGS = form_kind(
    "hearing",
    _("Hearings"),
    HearingForm,
    columns=("hearing_on", "proceeding", "court", "purpose", "held", "notes"),
    l3_page=True,
    related=("proceeding", "proceeding__person"),
)

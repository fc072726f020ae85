"""Legal pages of a person: the generic record pages of `people.record_views`, for proceedings and hearings.

Both are L3 pages: they exist only for users with the sensitive-data permission (404 for anyone else),
and each showing is recorded.
"""

from django.utils.translation import gettext_lazy as _

from casework.legal.forms import HearingForm, LegalProceedingForm
from casework.legal.models import Hearing, LegalProceeding
from casework.people.records import RecordKind, add_with_recorder

PROCEEDINGS = RecordKind(
    name="proceeding",
    namespace="legal",
    model=LegalProceeding,
    title=_("Legal proceedings"),
    columns=("kind", "country", "authority", "reference", "opened_on", "outcome", "outcome_on", "request", "notes"),
    add_form=LegalProceedingForm,
    edit_form=LegalProceedingForm,
    l3_page=True,
    rows=lambda person: LegalProceeding.objects.filter(person=person).select_related("request"),
    add=add_with_recorder,
)
HEARINGS = RecordKind(
    name="hearing",
    namespace="legal",
    model=Hearing,
    title=_("Hearings"),
    columns=("hearing_on", "proceeding", "court", "purpose", "held", "notes"),
    add_form=HearingForm,
    edit_form=HearingForm,
    l3_page=True,
    rows=lambda person: Hearing.objects.filter(person=person).select_related("proceeding", "proceeding__person"),
)

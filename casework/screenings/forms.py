"""Forms of the screening pages. They validate shape only; `people.services` saves the records."""

from typing import Any

from casework.camps.models import ControllingAuthority, Facility
from casework.people.forms import PersonRecordForm
from casework.screenings.models import CustodyEntry, Screening


class ScreeningForm(PersonRecordForm):
    """One screening of a person. Outcome and findings are L3: the pages exist only for permitted users."""

    class Meta:
        model = Screening
        fields = ["screened_on", "authority", "screened_by", "facility", "location", "outcome", "findings"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["authority"].queryset = ControllingAuthority.objects.order_by("name")
        self.fields["facility"].queryset = Facility.objects.visible_to(user).order_by("name")


class CustodyEntryForm(PersonRecordForm):
    """How the person came into custody; the screening offered are the person's own."""

    class Meta:
        model = CustodyEntry
        fields = ["event", "occurred_on", "place", "screening_point", "population_category", "screening", "notes"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["screening"].queryset = Screening.objects.visible_to(user).filter(person_id=self.instance.person_id)
        self.fields["screening"].label_from_instance = lambda screening: screening.screened_on.isoformat()

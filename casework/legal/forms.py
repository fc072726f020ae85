"""Forms of the legal pages. They validate shape only; `people.services` saves the records."""

from typing import Any

from django import forms

from casework.govrequests.models import GovernmentRequest
from casework.legal.models import Hearing, LegalProceeding
from casework.people.forms import PersonRecordForm


class LegalProceedingForm(PersonRecordForm):
    """One proceeding; the requests offered are those covering the person (for an appeal against a refusal)."""

    class Meta:
        model = LegalProceeding
        fields = ["kind", "country", "authority", "reference", "opened_on", "outcome", "outcome_on", "request", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "request" in self.fields:
            self.fields["request"].queryset = (
                GovernmentRequest.objects.visible_to(user)
                .filter(covered__person_id=self.instance.person_id)
                .select_related("authority")
                .distinct()
            )


class HearingForm(PersonRecordForm):
    """One hearing of one of the person's proceedings."""

    class Meta:
        model = Hearing
        fields = ["proceeding", "hearing_on", "court", "purpose", "held", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "proceeding" in self.fields:
            self.fields["proceeding"].queryset = LegalProceeding.objects.visible_to(user).filter(
                person_id=self.instance.person_id
            )
            self.fields["proceeding"].label_from_instance = proceeding_label


def proceeding_label(proceeding: LegalProceeding) -> str:
    """How a proceeding is named on the legal pages (L3 pages only: kind and State are L3)."""
    parts = [proceeding.get_kind_display()]
    if proceeding.country:
        parts.append(str(proceeding.country.name))
    if proceeding.reference:
        parts.append(proceeding.reference)
    if proceeding.opened_on:
        parts.append(proceeding.opened_on.isoformat())
    return " · ".join(parts)

"""Forms of the government-request admin: the "Record decisions…" action's form and the disclosure policy's."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.govrequests.choices import DisclosureField
from casework.govrequests.forms import RequestDecisionsForm
from casework.govrequests.models import DisclosurePolicy, GovernmentRequest, RequestedPerson


class DecisionsForm(RequestDecisionsForm):
    """The web page's decisions form (same rules: no date in the future) over the rows of several requests.

    Fields are named by row, not by person, since a person may be covered by two selected requests.
    """

    def __init__(self, *args: Any, rows: Sequence[RequestedPerson], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", None)
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, rows=list(rows), **kwargs)
        for row in self.rows:
            self.fields[self.field_name(row)].label = f"{row.request.reference} – {row.person.case_number}"

    @staticmethod
    def field_name(row: RequestedPerson) -> str:
        return f"decision_{row.pk}"

    def changed_decisions_of(self, gov_request: GovernmentRequest) -> dict[Any, str]:
        """{person: decision} for the rows of `gov_request` whose decision the user changed."""
        return {row.person: value for row, value in self.changed_rows() if row.request_id == gov_request.pk}


class DisclosurePolicyForm(forms.ModelForm):
    """The fields disclosed are ticked from the whitelist: an L3 field is not even offered."""

    fields = forms.MultipleChoiceField(
        label=_("fields disclosed"),
        choices=DisclosureField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The case number is always disclosed. Highly sensitive (L3) fields never are."),
    )

    class Meta:
        model = DisclosurePolicy
        fields = ("organisation", "country", "authority", "fields", "basis")

"""Forms of the duplicate review queue: its filters and a reviewer's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.matching.choices import PairStatus

TO_REVIEW = "to_review"
ALL = "all"
STATUS_FILTER_CHOICES = [
    (TO_REVIEW, _("To review (open or not sure)")),
    *PairStatus.choices,
    (ALL, _("All")),
]


class PairFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    min_score = forms.DecimalField(
        label=_("Score at least"), min_value=0, max_value=1, decimal_places=2, required=False
    )
    q = forms.CharField(label=_("Case number"), max_length=40, required=False)


class PairDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (PairStatus.SAME, _("Same person")),
            (PairStatus.DIFFERENT, _("Different people")),
            (PairStatus.UNSURE, _("Not sure")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

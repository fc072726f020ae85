"""The State-policy form of the policies page. Shape only: `services.state_policy_save` holds the rules."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from casework.core.forms import ModelErrorsOnFormMixin
from casework.policies.models import StatePolicy


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatePolicyForm(ModelErrorsOnFormMixin, forms.ModelForm):
    class Meta:
        model = StatePolicy
        fields = [
            "country",
            "valid_from",
            "takes_back",
            "age_limit",
            "prosecutes_adults",
            "channel",
            "language",
            "usual_answer_days",
            "authority",
            "notes",
            "sources",
        ]
        widgets = {
            "valid_from": _DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "sources": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

"""The merge form: which record survives, and for each field where they differ, whose value is kept."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.merging.services import differing_fields
from casework.people.models import Person

FIELD_PREFIX = "value_"


def _version(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise forms.ValidationError(_("The page is out of date: open it again.")) from error


class MergeForm(forms.Form):
    """`a` and `b` are the two records as shown; each choice is "a" or "b"."""

    a_version = forms.CharField(widget=forms.HiddenInput)
    b_version = forms.CharField(widget=forms.HiddenInput)
    survivor = forms.ChoiceField(label=_("Record that stays"), widget=forms.RadioSelect, initial="a")

    def __init__(self, *args: Any, first: Person, second: Person, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"a_version": first.updated_at.isoformat(), "b_version": second.updated_at.isoformat()}
        )
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        choices = [("a", first.case_number), ("b", second.case_number)]
        self.fields["survivor"].choices = choices
        self.differing = differing_fields(first, second, user=user)
        for field in self.differing:
            self.fields[FIELD_PREFIX + field.name] = forms.ChoiceField(
                label=field.verbose_name, choices=choices, widget=forms.RadioSelect, initial="a"
            )

    def clean_a_version(self) -> datetime:
        return _version(self.cleaned_data["a_version"])

    def clean_b_version(self) -> datetime:
        return _version(self.cleaned_data["b_version"])

    def value_rows(self) -> list[tuple[Any, forms.BoundField]]:
        """(model field, bound choice) of each field the user chooses."""
        return [(field, self[FIELD_PREFIX + field.name]) for field in self.differing]

    def merge_arguments(self) -> dict[str, Any]:
        """Keyword arguments of `services.person_merge` (the actor aside)."""
        data = self.cleaned_data
        keep_a = data["survivor"] == "a"
        other_key = "b" if keep_a else "a"
        return {
            "survivor": self.first if keep_a else self.second,
            "other": self.second if keep_a else self.first,
            "survivor_version": data["a_version"] if keep_a else data["b_version"],
            "other_version": data["b_version"] if keep_a else data["a_version"],
            "from_other": [field.name for field in self.differing if data[FIELD_PREFIX + field.name] == other_key],
        }

"""What the person forms share: the date widget, the crispy helper of formset rows, the version check,
and the rule of the alias formsets."""

from datetime import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.people.names import normalise_name

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def parse_version(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(_("The form is out of date. Open the page again.")) from None


def crispy_row_helper(*columns: tuple[str, str]) -> FormHelper:
    """The crispy helper of a formset row; with `columns` ((field name, CSS classes), …), laid out as one row."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if columns:
        helper.layout = Layout(Row(*(Column(name, css_class=css) for name, css in columns)))
    return helper


class UniqueAliasFormSet(forms.BaseFormSet):
    """Aliases entered on one page: the same name of the same kind only once (`check_row` adds a row's own check)."""

    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            self.check_row(form)
            key = (form.cleaned_data["kind"], normalise_name(form.cleaned_data["name"]))
            if key in seen:
                raise forms.ValidationError(_("The same name is entered twice."))
            seen.add(key)

    def check_row(self, form: Any) -> None:
        """A filled row's own check, before the duplicate check; none by default."""

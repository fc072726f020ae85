"""What the person forms share: the date widget, the crispy helper of formset rows, the version check."""

from datetime import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def parse_version(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise forms.ValidationError(_("The form is out of date. Open the page again.")) from None


def crispy_row_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper

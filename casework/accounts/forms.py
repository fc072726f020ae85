"""The profile form: the user's own preferences. Shape only; the service applies them."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import User


class ProfileForm(forms.Form):
    """Interface language and e-mail digest frequency."""

    language = forms.ChoiceField(label=_("Interface language"), choices=User.Language.choices)
    digest_frequency = forms.ChoiceField(
        label=_("E-mail digest of my reminders"),
        choices=User.DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Weekly digests are sent on Mondays."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SecondFactorForm(forms.Form):
    """A code from the authenticator app (six digits) or a backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

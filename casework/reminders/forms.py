"""Forms for acting on a reminder from a page: snooze to a date, dismiss with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderSnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}))


class ReminderDismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, strip=True)

from django import forms
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]


class DossierForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the dossier"), choices=LANGUAGE_CHOICES)
    signing_officer = forms.CharField(label=_("Signing officer"), max_length=200)
    signing_title = forms.CharField(label=_("Title of the signing officer"), max_length=200, required=False)

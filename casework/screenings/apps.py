from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningsConfig(AppConfig):
    name = "casework.screenings"
    label = "screenings"
    verbose_name = _("Screenings")

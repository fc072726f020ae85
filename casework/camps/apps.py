from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampsConfig(AppConfig):
    name = "casework.camps"
    label = "camps"
    verbose_name = _("Camps and facilities")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovrequestsConfig(AppConfig):
    name = "casework.govrequests"
    label = "govrequests"
    verbose_name = _("Government requests")

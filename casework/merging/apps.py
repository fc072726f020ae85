from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergingConfig(AppConfig):
    name = "casework.merging"
    label = "merging"
    verbose_name = _("Merging of person records")

    def ready(self) -> None:
        from casework.core.signals import persons_anonymised
        from casework.merging.services import on_persons_anonymised

        persons_anonymised.connect(on_persons_anonymised, dispatch_uid="casework.merging.anonymised")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "casework.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from casework.core.signals import records_changed
        from casework.reminders.services.recheck import on_records_changed

        # Reminders close themselves when what raised them stops holding (see `services.recheck`).
        records_changed.connect(on_records_changed, dispatch_uid="casework.reminders.recheck")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "casework.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from casework.core.signals import records_changed
        from casework.people import age_limits
        from casework.reminders.models import StateAgeLimit
        from casework.reminders.services.recheck import on_records_changed

        # Reminders close themselves when what raised them stops holding (see `services.recheck`).
        records_changed.connect(on_records_changed, dispatch_uid="casework.reminders.recheck")
        # The dashboard's "reaching the State's age limit" reads the limits through `people.age_limits`.
        age_limits.register(
            lambda: {str(c): age for c, age in StateAgeLimit.objects.values_list("country", "age_limit")}
        )

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from casework.accounts import receivers
        from casework.accounts.roles import sync_roles

        receivers.connect()

        # Roles must exist in every database, including a fresh test database.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="casework.accounts.sync_roles")

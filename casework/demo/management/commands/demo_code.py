"""Print the current second-factor code of the demo users (development only)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from casework.demo.write import DEMO_TOTP_KEY, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the code an authenticator app with the demo secret shows now (the demo users' second factor). "
        "Refused unless DJANGO_DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code runs only with DJANGO_DEBUG=1 (demo and development).")
        code = totp(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
        if options["verbosity"] > 1:
            self.stdout.write(f"Demo authenticator secret: {DEMO_TOTP_SECRET}")
        self.stdout.write(f"{code:06d}")

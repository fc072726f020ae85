"""Run the duplicate scan now (the nightly task does the same), for every organisation or some."""

import time

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.models import Organisation
from casework.matching.duplicates import duplicates_scan


class Command(BaseCommand):
    help = "Find likely duplicate persons inside each organisation and update the review queue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", action="append", default=[], help="Organisation code (repeatable).")

    def handle(self, *args, **options) -> None:
        ids = None
        if options["organisation"]:
            ids = list(Organisation.objects.filter(code__in=options["organisation"]).values_list("pk", flat=True))
            if len(ids) != len(set(options["organisation"])):
                raise CommandError("Unknown organisation code.")
        started = time.monotonic()
        result = duplicates_scan(organisation_ids=ids)
        self.stdout.write(
            f"{result.organisations} organisations, {result.compared} pairs compared, {len(result.pairs)} likely "
            f"duplicates ({result.created} new, {result.updated} updated, {result.reopened} reopened, "
            f"{result.removed} removed) in {time.monotonic() - started:.1f} s."
        )

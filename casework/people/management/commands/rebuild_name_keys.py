"""Rebuild the name-key index of every person (after a change of the key rules, or to repair it)."""

import time

from django.core.management.base import BaseCommand

from casework.people.namekeys import BATCH_SIZE, person_name_keys_rebuild


class Command(BaseCommand):
    help = "Rebuild the name keys (PersonNameKey) of all persons, in batches."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        written = person_name_keys_rebuild(batch_size=options["batch_size"])
        self.stdout.write(f"{written} name keys written in {time.monotonic() - started:.1f} s.")

"""`manage.py seed_demo`: fill an empty database with a synthetic caseload (never real people)."""

import gc
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.demo.flush import delete_case_data, has_case_data
from casework.demo.generator import build_plan
from casework.demo.write import DEMO_PASSWORD, write_plan
from casework.matching.duplicates import duplicates_scan

DUPLICATE_SCAN_MAX_SIZE = 20_000


class Command(BaseCommand):
    help = (
        "Load synthetic demo data: organisations, demo users (password 'casework-demo'), facilities and "
        "SIZE invented persons with families, custody, claims, requests and handovers. The same --seed "
        "gives the same data. Refuses to run on a database that already holds case data, unless "
        "--if-empty (then it does nothing) or --flush (then it deletes the case data first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=2000, help="Number of persons (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--organisations", type=int, default=3, help="Number of organisations (default 3, at most 50)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--if-empty", action="store_true", help="Do nothing if the database already holds case data.")
        mode.add_argument(
            "--flush",
            action="store_true",
            help="Delete all persons, households, requests and handovers (and their history) first.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run although DJANGO_DEBUG is off (a demo server). Never on a production database: "
            "it creates a superuser with a published password.",
        )

    def handle(self, *args, **options) -> None:
        size, seed, organisations = options["size"], options["seed"], options["organisations"]
        if size < 1:
            raise CommandError("--size must be at least 1.")
        if not 1 <= organisations <= 50:
            raise CommandError("--organisations must be between 1 and 50.")
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Demo data creates accounts with a published password: run with DJANGO_DEBUG=1, "
                "or pass --allow-without-debug on a demo server."
            )
        if has_case_data():
            if options["if_empty"]:
                self.stdout.write("Demo data not loaded: the database already holds case data.")
                return
            if not options["flush"]:
                raise CommandError(
                    "The database already holds case data. Use a fresh database, --if-empty to skip, "
                    "or --flush to delete all case data first."
                )
            started = time.monotonic()
            deleted = delete_case_data()
            self.stdout.write(f"Deleted {deleted:,} rows of case data in {time.monotonic() - started:.1f} s.")

        # Millions of new objects and no cycles to collect: the cyclic collector would only rescan them.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            started = time.monotonic()
            self.stdout.write(f"Building {size:,} persons (seed {seed}, {organisations} organisations)…")
            plan = build_plan(size=size, seed=seed, organisations=organisations)
            built = time.monotonic()
            self.stdout.write(f"  built in memory in {built - started:.1f} s; writing:")
            counts = write_plan(plan, log=self.stdout.write)
            finished = time.monotonic()
        finally:
            if gc_was_enabled:
                gc.enable()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['persons']:,} persons and {sum(counts.values()):,} rows in "
                f"{finished - started:.1f} s (build {built - started:.1f} s, write {finished - built:.1f} s)."
            )
        )
        # The supervisors' review queue as the nightly scan would leave it (names of the demo pool recur).
        # Not for benchmark sizes: their seeding stays what it measured; the nightly task fills it there.
        if size <= DUPLICATE_SCAN_MAX_SIZE:
            started = time.monotonic()
            scan = duplicates_scan()
            self.stdout.write(
                f"Duplicate scan: {len(scan.pairs):,} possible duplicates queued in {time.monotonic() - started:.1f} s."
            )
        users = ", ".join(u.username for u in plan.users[:10])
        self.stdout.write(f"Demo users (password '{DEMO_PASSWORD}'): {users}…")

"""Refresh the dashboard's nightly summary now (the beat task does the same every night)."""

import time
from datetime import date

from django.core.management.base import BaseCommand

from casework.reports.dashboard.summary import summary_refresh
from casework.reports.models import DashboardSummaryRow


class Command(BaseCommand):
    help = "Count every organisation's dashboard figures (whole and per filter) and replace the summary."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="The day counted (ISO date).")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        summary = summary_refresh(as_of=options["as_of"])
        self.stdout.write(
            f"Dashboard summary as of {summary.as_of} (from {summary.first_month:%Y-%m}): "
            f"{DashboardSummaryRow.objects.count()} rows in {time.monotonic() - started:.1f} s."
        )

"""Run the reminder sweep once for a given day: `run_reminder_sweep --date 2025-06-01 [--dry-run]`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from casework.reminders.services import reminders_sweep


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Raise the reminders due on a day (default: today). --dry-run lists them and writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", type=_parse_date, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Run the sweep in a transaction that is rolled back, and list what it would raise.",
        )

    def handle(self, *args, day: date | None, dry_run: bool, **options) -> None:
        day = day or timezone.localdate()
        result = reminders_sweep(today=day, dry_run=dry_run)
        verb = "would raise" if dry_run else "raised"
        self.stdout.write(f"Reminder sweep for {day.isoformat()}{' (dry run, nothing written)' if dry_run else ''}")
        for kind, count in sorted(result.created.items()):
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"Total {verb}: {result.total}")
        marked = "would be marked" if dry_run else "marked"
        self.stdout.write(f"Requests {marked} no response: {result.marked_no_response}")
        self.stdout.write(f"Follow-ups to authorities drafted or refreshed: {result.followups_drafted}")
        for row in result.raised:
            # Case numbers and request references only (L1): never names.
            subject = row["person__case_number"] or row["gov_request__reference"] or row["subject_key"]
            to = [row["recipient__username"] or ""]
            if row["notify_supervisors"]:
                to.append("supervisors")
            self.stdout.write(
                f"  {row['kind']} {subject} due {row['due_on']} offset {row['offset_days']} "
                f"to {', '.join(filter(None, to))}"
            )

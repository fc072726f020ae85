"""The weekly report's and the dashboard summary's tasks. Arguments are ids and ISO dates only."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from casework.core.tasks import DATABASE_RETRY
from casework.reports import selectors, services
from casework.reports.dashboard.summary import summary_refresh


@shared_task(**DATABASE_RETRY)  # safe: build_weekly_report twice is one message per supervisor
def email_weekly_reports() -> int:
    """Beat, Mondays: fan out one `build_weekly_report` per organisation with supervisors; returns how many."""
    today = timezone.localdate()
    organisation_ids = selectors.weekly_report_organisation_ids()
    for organisation_id in organisation_ids:
        build_weekly_report.delay(organisation_id, today.isoformat())
    return len(organisation_ids)


# The name it had in the reminders app: fan-out messages queued before the upgrade still run.
# Retried on database errors: each supervisor's message is created in its own transaction under a unique
# key, so a retry after a failure part-way creates only those still missing.
@shared_task(name="casework.reminders.tasks.build_weekly_report", **DATABASE_RETRY)
def build_weekly_report(organisation_id: int, iso_date: str) -> list[int]:
    """Create (once per supervisor and ISO week) and enqueue the organisation's weekly report e-mails; their ids."""
    messages = services.weekly_report_build(organisation_id=organisation_id, today=date.fromisoformat(iso_date))
    return [message.pk for message in messages]


@shared_task
def refresh_dashboard_summary() -> str:
    """Beat, nightly: recount the dashboard's summary as of today (before the weekly report on Mondays)."""
    return summary_refresh(as_of=timezone.localdate()).as_of.isoformat()

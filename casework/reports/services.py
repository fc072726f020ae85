"""The weekly supervisor report e-mail: one outbound message per supervisor, organisation and ISO week.

The figures are `selectors.weekly_summary`; the same figures, always small-count suppressed, go as
an XLSX attachment (`xlsx.weekly_report_xlsx`). The dashboard's charts of the organisation (the
last twelve months, from its nightly summary when it serves them) are drawn as PNG images
(`dashboard.charts`) shown inline in the HTML body, each with its legend and key in the reader's
language; small counts are not drawn, as on the dashboard. The e-mails are recorded and delivered
by `casework.outbox`.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from casework.accounts.models import Organisation
from casework.outbox.models import OutboundMessage
from casework.outbox.rendering import absolute_url
from casework.outbox.services import outbound_message_create
from casework.reports.dashboard.charts import Chart, render_png
from casework.reports.dashboard.counts import default_period
from casework.reports.dashboard.figures import build
from casework.reports.dashboard.summary import organisation_counts
from casework.reports.selectors import SUPPRESSION_THRESHOLD, weekly_report_recipients, weekly_summary
from casework.reports.xlsx import weekly_report_xlsx

WEEKLY_REPORT_TEMPLATE = "weekly_report"


def weekly_report_key(*, organisation_id: int, user_id: int, today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"weekly:{organisation_id}:{user_id}:{year}-W{week:02d}"


def weekly_report_build(*, organisation_id: int, today: date) -> list[OutboundMessage]:
    """One weekly report e-mail per active supervisor of the organisation for `today`'s ISO week (once each).

    Supervisors are inside the organisation: their e-mail body shows exact counts. The XLSX
    attachment is meant to be shared, so its counts are always suppressed (see `casework.reports`).
    Counts and names of States and facilities only: no person's name, case number or L3 field.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return []
    supervisors = weekly_report_recipients(organisation_id=organisation_id)
    keys = {u.pk: weekly_report_key(organisation_id=organisation_id, user_id=u.pk, today=today) for u in supervisors}
    existing = {m.idempotency_key: m for m in OutboundMessage.objects.filter(idempotency_key__in=keys.values())}
    messages = [existing[keys[u.pk]] for u in supervisors if keys[u.pk] in existing]
    pending = [u for u in supervisors if keys[u.pk] not in existing]
    if not pending:
        return messages
    summary = weekly_summary(organisation=organisation, today=today)
    year, week = summary.iso_week
    # The dashboard's charts of the last twelve months, drawn once: the images hold no words.
    period = default_period(today)
    counts, refreshed_at = organisation_counts(organisation_id=organisation_id, period=period, today=today)
    images = {f.key: render_png(f.chart_data()) for f in build(counts, period=period).charts}
    content_ids = {key: f"chart-{key}.{summary.iso_week_label}@casework" for key in images}
    xlsx_by_language: dict[str, bytes] = {}
    for user in pending:
        language = user.language or settings.LANGUAGE_CODE
        # Exact counts only for a reader inside the organisation (always so for its supervisors).
        external = user.organisation_id != organisation_id
        with translation.override(language):
            board = build(counts, period=period, refreshed_at=refreshed_at)
            charts = [Chart(f, content_ids[f.key], images[f.key]).context() for f in board.charts]
            context = {
                "organisation_code": organisation.code,
                "week": week,
                "year": year,
                "week_start": summary.week_start,
                "today": today,
                "tables": summary.render(external=external),
                "external": external,
                "home_url": absolute_url(reverse("home")),
                "charts": charts,
                "charts_period": period,
                "charts_refreshed_at": refreshed_at,
                "threshold": SUPPRESSION_THRESHOLD,
            }
            if language not in xlsx_by_language:
                xlsx_by_language[language] = weekly_report_xlsx(summary, external=True)
        with transaction.atomic():
            message, _created = outbound_message_create(
                idempotency_key=keys[user.pk],
                organisation_id=organisation_id,
                recipient=user,
                template=WEEKLY_REPORT_TEMPLATE,
                context=context,
                context_ids={"organisation": organisation_id, "user": user.pk, "week": summary.iso_week_label},
                language=language,
                attachment=xlsx_by_language[language],
                attachment_name=f"casework-weekly-report-{organisation.code}-{summary.iso_week_label}.xlsx",
                inline_images={content_ids[key]: png for key, png in images.items()},
            )
        messages.append(message)
    return messages

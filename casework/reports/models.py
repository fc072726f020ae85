"""The dashboard's nightly summary: its counts per organisation and filter, refreshed by a beat task.

Aggregates only (counts per month, status, decision, State, days): no person, no name. Written
all at once by `dashboard.summary.summary_refresh` and read by the dashboard page and the weekly
report (`dashboard.summary.summary_counts`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk


class DashboardSummary(models.Model):
    """The last refresh of the summary (one row): the day its counts are of and its first month."""

    as_of = models.DateField(_("figures as of"))
    first_month = models.DateField(_("first month"), help_text=_("Nothing was recorded before this month."))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")

    def __str__(self) -> str:
        return f"dashboard summary as of {self.as_of}"


class DashboardSummaryRow(models.Model):
    """One count of the summary, for one organisation's persons narrowed by one filter (`slice`).

    `slice` is the dashboard filter's value (`dashboard.tally.slice_key`): "" for all the
    organisation's persons, "f:<facility public id>" or "s:<section public id>" for those held there
    now, "n:<country>" for those with a nationality claim for the State, "<place> n:<country>" for
    both. `figure` says what is counted (see `dashboard.summary.FIGURES`), `date` when: the day of
    a decision, handover or repatriation; the first of the month of the caseload's flow in that
    month (none for the caseload now, and for the figures of the summary's day).
    """

    organisation = organisation_fk(on_delete=models.CASCADE)
    slice = models.CharField(_("filter"), max_length=100, blank=True)
    figure = models.CharField(_("figure"), max_length=20)
    date = models.DateField(_("date"), null=True, blank=True)
    country = models.CharField(_("State"), max_length=2, blank=True)
    code = models.CharField(_("code"), max_length=30, blank=True)
    days = models.IntegerField(_("days"), default=0)
    n = models.IntegerField(_("count"))

    class Meta:
        verbose_name = _("dashboard summary row")
        verbose_name_plural = _("dashboard summary rows")
        indexes = [models.Index(fields=["slice", "organisation", "figure", "date"], name="dashboard_summary_idx")]

    def __str__(self) -> str:
        return f"{self.figure} {self.date or ''} {self.country} {self.code}: {self.n}"

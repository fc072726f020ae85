"""The dashboard's filters: facility (or section), nationality and a period of months."""

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.people.filters import CachedOptionsSelect, PersonFilterSet, location_choices
from casework.people.models import Person
from casework.reports.dashboard.counts import Period, default_period
from casework.reports.dashboard.tally import slice_key

# A period longer than this is cut (the charts have one point per month).
MAX_MONTHS = 60


class DashboardFilterSet(django_filters.FilterSet):
    location = django_filters.ChoiceFilter(label=_("Facility"), method="filter_location")
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"),
        choices=countries,
        method="filter_nationality",
        widget=CachedOptionsSelect(cache_key="countries"),
    )
    # The period does not narrow the persons: each figure applies it to its own dates.
    start = django_filters.DateFilter(label=_("From"), method="keep", widget=forms.DateInput(attrs={"type": "date"}))
    end = django_filters.DateFilter(label=_("To"), method="keep", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Person
        fields = ["location", "nationality"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["location"].extra["choices"] = location_choices

    filter_location = PersonFilterSet.filter_location
    filter_nationality = PersonFilterSet.filter_nationality

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def summary_slice(self) -> str:
        """The nightly summary's key for the chosen filters ("" for none; a place, a State or both)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return slice_key(data.get("location") or "", data.get("nationality") or "")

    def period(self, today: date) -> Period:
        """The chosen months (whole months), by default the last twelve."""
        default = default_period(today)
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        # Cut at today: the figures are of past months, and a date far ahead (9999-12-31) walked past the year 9999.
        start = min(data.get("start") or default.start, today).replace(day=1)
        end = min(data.get("end") or default.end, today)
        if end < start:  # given the wrong way round
            start, end = end.replace(day=1), start
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            start = date(end.year - MAX_MONTHS // 12, end.month, 1)
        return Period(start=start, end=end)

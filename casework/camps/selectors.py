"""Reads about facilities for the caseworker interface: the list, the current population, control history.

Terms: the *current population* of a facility is the persons whose open custody period (no end
date) is there, counted only among the persons the user may see; the *controlling authority* on a
day is the one whose control period covers that day.

Dependency note: custody periods and nationality claims live in `people`, which sits to the right of
`camps` (style guide §2), so this module reaches them through `apps.get_model` and string lookups
and never imports `casework.people`. Their scope is the person's (`visible_to` on their managers).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.camps.models import Facility, FacilityControlPeriod

# Age bands on the earliest plausible date of birth (the oldest the person may be), as in the person list.
AGE_BANDS: tuple[tuple[str, Any, int, int | None], ...] = (
    ("0-4", _("0–4 years"), 0, 4),
    ("5-10", _("5–10 years"), 5, 10),
    ("11-17", _("11–17 years"), 11, 17),
    ("18+", _("18 and over"), 18, None),
)


def _years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _custody_periods() -> Any:
    return apps.get_model("people", "CustodyPeriod")


def current_custody(*, user: Any) -> QuerySet:
    """Open custody periods of the persons the user may see."""
    return _custody_periods().objects.visible_to(user).filter(end_date__isnull=True)


def _in_control_on(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def facility_list_rows(*, user: Any, today: date | None = None) -> QuerySet[Facility]:
    """Facilities with `current_authority` (name in control today) and `population` (visible persons), one query."""
    today = today or timezone.localdate()
    control = FacilityControlPeriod.objects.filter(_in_control_on(today), facility=OuterRef("pk")).order_by(
        "-start_date"
    )
    population = (
        current_custody(user=user)
        .filter(facility=OuterRef("pk"))
        .order_by()
        .values("facility")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Facility.objects.visible_to(user)
        .annotate(
            current_authority=Subquery(control.values("authority__name")[:1]),
            current_authority_short=Subquery(control.values("authority__short_name")[:1]),
            population=Coalesce(Subquery(population, output_field=IntegerField()), Value(0)),
        )
        .order_by("name")
    )


def facility_detail_queryset(*, user: Any) -> QuerySet[Facility]:
    """Facilities the user may see, with their control history (newest first) prefetched."""
    return Facility.objects.visible_to(user).prefetch_related(
        Prefetch(
            "control_periods",
            queryset=FacilityControlPeriod.objects.select_related("authority").order_by("-start_date"),
        ),
    )


def controlling_authority_on(facility: Facility, day: date) -> Any:
    """The authority in control on `day`, read from the prefetched control periods (no query)."""
    for period in facility.control_periods.all():
        if period.start_date <= day and (period.end_date is None or period.end_date >= day):
            return period.authority
    return None


@dataclass(frozen=True)
class FacilityPopulation:
    """Current population of a facility among the persons a user may see, broken down three ways."""

    total: int
    by_section: list[tuple[str | None, int]]
    by_nationality: list[tuple[str | None, int]]
    by_age_band: list[tuple[str, Any, int]]
    age_unknown: int


def facility_population(*, facility: Facility, user: Any, today: date | None = None) -> FacilityPopulation:
    """Population by section, main nationality and age band: three aggregate queries, whatever the size.

    Nationality is the person's main (primary) nationality claim; persons without one count as
    unknown (None). Age bands read `birth_date_earliest`; persons without it are `age_unknown`.
    """
    today = today or timezone.localdate()
    current = current_custody(user=user).filter(facility=facility).order_by()

    by_section = list(
        current.values_list("section__name").annotate(n=Count("pk")).order_by(F("section__name").asc(nulls_last=True))
    )

    primary_claims = (
        apps.get_model("people", "NationalityClaim")
        .objects.filter(person_id=OuterRef("person_id"), is_primary=True)
        .order_by()
        .values("country")[:1]
    )
    by_nationality = list(
        current.annotate(nationality=Subquery(primary_claims))
        .values_list("nationality")
        .annotate(n=Count("pk"))
        .order_by("-n", "nationality")
    )

    born = "person__birth_date_earliest"
    counts: dict[str, Any] = {"age_unknown": Count("pk", filter=Q(**{f"{born}__isnull": True}))}
    for index, (_key, _label, youngest, oldest) in enumerate(AGE_BANDS):
        # Aged at least n ⇔ born on or before the same day n years ago.
        condition = Q(**{f"{born}__lte": _years_before(today, youngest)})
        if oldest is not None:
            condition &= Q(**{f"{born}__gt": _years_before(today, oldest + 1)})
        counts[f"band_{index}"] = Count("pk", filter=condition)
    aggregates = current.aggregate(**counts)

    return FacilityPopulation(
        total=sum(n for _name, n in by_section),
        by_section=by_section,
        by_nationality=by_nationality,
        by_age_band=[(key, label, aggregates[f"band_{index}"]) for index, (key, label, _y, _o) in enumerate(AGE_BANDS)],
        age_unknown=aggregates["age_unknown"],
    )

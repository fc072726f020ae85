"""Reads about facilities: the scoped detail with its control history, the authority in control on a day.

Terms: the *controlling authority* on a day is the one whose control period covers that day.
The population figures (persons in custody at a facility) are read in `casework.people.selectors`:
custody periods live in `people`, which sits above `camps` (style guide §2).
"""

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from casework.camps.models import Facility, FacilityControlPeriod


def in_control_on(day: date) -> Q:
    """Control periods that cover `day`."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


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

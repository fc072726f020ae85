"""The weekly supervisor report: an organisation's figures for one week, counted in the database.

Terms: the report is built for `today` (the Monday it is sent) and its *week* is the seven days
ending on `today`; a State's request is *overdue* by the default clock of
`casework.govrequests.selectors` (not acknowledged 14 days after it was sent, no decision 60 days
after acknowledgement, or its answer due date passed). Every table is one aggregate query, so the
number of queries does not grow with the number of persons.

Only counts, codes and the names of States and facilities: never a person's name, case number
or any sensitive (L3) field.

Small-count suppression: counts from 1 to 4 are shown as "<5" (`suppress_small`) whenever the
report *leaves the organisation*: in the XLSX attachment (meant to be shared, so always
suppressed) and in the e-mail body sent to any recipient outside the organisation
(`external=True`). The supervisor's own e-mail body is internal and shows exact counts. A zero
is shown as 0: it reveals nobody.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts import roles
from casework.govrequests import family_unity
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, Decision, HandoverStatus
from casework.govrequests.models import GovernmentRequest, HandoverOperation, RequestedPerson
from casework.govrequests.selectors import overdue_parts
from casework.people.choices import CaseStatus
from casework.people.models import CustodyPeriod, NationalityClaim, Person

SUPPRESSION_THRESHOLD = 5
WEEK_DAYS = 7

Count_ = int | str


def suppress_small(counts: Mapping[Any, int], threshold: int = SUPPRESSION_THRESHOLD) -> dict[Any, Count_]:
    """The counts with those from 1 to `threshold` - 1 replaced by "<threshold" (zeros stay 0)."""
    return {key: _suppress(value, threshold) for key, value in counts.items()}


def _suppress(value: int, threshold: int = SUPPRESSION_THRESHOLD) -> Count_:
    return f"<{threshold}" if 0 < value < threshold else value


@dataclass(frozen=True)
class Table:
    """One table of the report: rows of (code, counts); labels are resolved in the reader's language."""

    key: str
    title: Any
    columns: tuple[Any, ...]  # the label column's header, then one per count
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    label: Callable[[str], str]

    def render(self, *, external: bool) -> dict[str, Any]:
        """Title, headers and rows as strings and numbers, in the active language; suppressed if `external`."""
        rows = []
        for code, counts in self.rows:
            shown = [_suppress(n) for n in counts] if external else list(counts)
            rows.append([str(self.label(code)), *shown])
        return {"key": self.key, "title": str(self.title), "columns": [str(c) for c in self.columns], "rows": rows}


@dataclass(frozen=True)
class WeeklySummary:
    organisation_id: int
    organisation_code: str
    today: date
    tables: tuple[Table, ...]

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=WEEK_DAYS - 1)

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _day = self.today.isocalendar()
        return year, week

    @property
    def iso_week_label(self) -> str:
        """E.g. "2025-W23", the week in the idempotency key of its e-mails."""
        year, week = self.iso_week
        return f"{year}-W{week:02d}"

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def counts(self, key: str) -> dict[str, tuple[int, ...] | int]:
        """A table as {code: count} (one count column) or {code: counts}: for tests and callers."""
        return {code: (counts[0] if len(counts) == 1 else counts) for code, counts in self.table(key).rows}

    def render(self, *, external: bool) -> list[dict[str, Any]]:
        return [t.render(external=external) for t in self.tables]


def _choice_label(choices: Any) -> Callable[[str], str]:
    labels = dict(choices.choices)
    return lambda code: labels.get(code, code)


def _country_label(code: str) -> str:
    return countries.name(code) or code if code else gettext("Unknown")


def _facility_label(name: str) -> str:
    return name or gettext("No current facility")


def _sorted_counts(pairs: Any) -> tuple[tuple[str, tuple[int]], ...]:
    """(code, n) pairs, largest first, then by code; None codes become ""."""
    rows = sorted(((code or "", n) for code, n in pairs), key=lambda r: (-r[1], r[0]))
    return tuple((code, (n,)) for code, n in rows)


def weekly_summary(*, organisation: Any, today: date) -> WeeklySummary:
    """The organisation's weekly figures on `today`; a constant number of queries (nine at most)."""
    persons = Person.objects.live().filter(organisation=organisation).order_by()

    by_status = dict(persons.values_list("status").annotate(n=Count("pk")))
    status_rows = tuple((code, (by_status[code],)) for code in CaseStatus.values if by_status.get(code))

    primary_country = NationalityClaim.objects.filter(person=OuterRef("pk"), is_primary=True).order_by("pk")
    by_nationality = (
        persons.annotate(nationality=Subquery(primary_country.values("country")[:1]))
        .values_list("nationality")
        .annotate(n=Count("pk"))
    )

    open_stay = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True).order_by("-start_date")
    by_facility = (
        persons.annotate(facility_name=Subquery(open_stay.values("facility__name")[:1]))
        .values_list("facility_name")
        .annotate(n=Count("pk"))
    )

    not_acknowledged, no_decision, past_due = overdue_parts(today=today)
    overdue = (
        GovernmentRequest.objects.filter(organisation=organisation, status__in=AWAITING_ANSWER_STATUSES)
        .filter(not_acknowledged | no_decision | past_due)
        .order_by()
        .values_list("authority__country")
        .annotate(
            total=Count("pk"),
            unacknowledged=Count("pk", filter=not_acknowledged),
            undecided=Count("pk", filter=no_decision),
            past_due=Count("pk", filter=past_due),
        )
    )
    overdue_rows = tuple(
        (country, (total, unack, undecided, due))
        for country, total, unack, undecided, due in sorted(overdue, key=lambda r: (-r[1], r[0]))
    )

    week_start = today - timedelta(days=WEEK_DAYS - 1)
    by_decision = dict(
        RequestedPerson.objects.filter(
            request__organisation=organisation, decided_on__gte=week_start, decided_on__lte=today
        )
        .exclude(decision=Decision.PENDING)
        .order_by()
        .values_list("decision")
        .annotate(n=Count("pk"))
    )
    decision_rows = tuple((code, (by_decision[code],)) for code in Decision.values if by_decision.get(code))

    completed_this_week = Q(status=HandoverStatus.COMPLETED, planned_on__gte=week_start, planned_on__lte=today)
    planned = Q(status=HandoverStatus.PLANNED, planned_on__gte=today)
    handovers = HandoverOperation.objects.filter(organisation=organisation).aggregate(
        done_operations=Count("pk", filter=completed_this_week, distinct=True),
        done_persons=Count("handed_persons", filter=completed_this_week & Q(handed_persons__handed_over=True)),
        planned_operations=Count("pk", filter=planned, distinct=True),
        planned_persons=Count("handed_persons", filter=planned),
    )
    handover_labels = {"completed": _("Completed this week"), "planned": _("Planned")}
    handover_rows = (
        ("completed", (handovers["done_operations"], handovers["done_persons"])),
        ("planned", (handovers["planned_operations"], handovers["planned_persons"])),
    )

    # Decisions that would separate a child from a parent or sibling in the camps (family_unity).
    split = family_unity.split_families_by_state(organisation_id=organisation.pk, on=today)
    split_rows = tuple(
        (country, counts) for country, counts in sorted(split.items(), key=lambda item: (-item[1][0], item[0]))
    )

    persons_column = _("Persons")
    tables = (
        Table("status", _("Cases by status"), (_("Status"), persons_column), status_rows, _choice_label(CaseStatus)),
        Table(
            "nationality",
            _("Cases by main nationality"),
            (_("State"), persons_column),
            _sorted_counts(by_nationality),
            _country_label,
        ),
        Table(
            "facility",
            _("Cases by current facility"),
            (_("Facility"), persons_column),
            _sorted_counts(by_facility),
            _facility_label,
        ),
        Table(
            "overdue",
            _("Overdue requests by State"),
            (_("State"), _("Overdue requests"), _("Not acknowledged"), _("No decision"), _("Answer due date passed")),
            overdue_rows,
            _country_label,
        ),
        Table(
            "decisions",
            _("Decisions recorded this week"),
            (_("Decision"), persons_column),
            decision_rows,
            _choice_label(Decision),
        ),
        Table(
            "handovers",
            _("Handovers"),
            (_("Handovers"), _("Operations"), persons_column),
            handover_rows,
            lambda code: handover_labels[code],
        ),
        Table(
            "split_families",
            _("Split families by State"),
            (_("State"), _("Requests"), _("Children separated")),
            split_rows,
            _country_label,
        ),
    )
    return WeeklySummary(
        organisation_id=organisation.pk, organisation_code=organisation.code, today=today, tables=tables
    )


# --- Recipients of the weekly report -------------------------------------------------------------


def weekly_report_recipients(*, organisation_id: int) -> list[Any]:
    """The organisation's active supervisors with an e-mail address, in a stable order.

    Supervisors limited to their assigned cases are left out: the report has the whole
    organisation's exact figures, which they may not see.
    """
    return list(
        get_user_model()
        .objects.filter(
            organisation_id=organisation_id, is_active=True, sees_assigned_only=False, groups__name=roles.SUPERVISOR
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def weekly_report_organisation_ids() -> list[int]:
    """Organisations with at least one recipient of the weekly report (see `weekly_report_recipients`)."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True, organisation__isnull=False, sees_assigned_only=False, groups__name=roles.SUPERVISOR
        )
        .exclude(email="")
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )

"""Reads about persons for the caseworker interface: the list, the detail, the timeline, my work.

Terms: a *case* is the work on one person; the *caseload* of a user is the cases assigned to
them; the *current location* is the person's open custody period; the *timeline* is one
chronological list of everything recorded about a person. Every selector starts from
`visible_to(user)`. The person page, which also shows screenings and requests, reads through
`casework.pages.selectors` (this app does not reach screenings or govrequests).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from casework.camps.models import Facility, FacilityControlPeriod
from casework.camps.selectors import in_control_on
from casework.core.editing import changes_since
from casework.people.choices import AGE_BANDS, CaseStatus
from casework.people.filters import age_band_bounds
from casework.people.models import (
    CustodyPeriod,
    NationalityClaim,
    Person,
    PersonStatusChange,
    ReturnAssessment,
)
from casework.people.name_search import rank_persons

# Sort keys of the person list: the public name in the URL → the keyset ordering (unique last key).
PERSON_SORTS: dict[str, tuple[str, ...]] = {
    "case_number": ("case_number", "id"),
    "-case_number": ("-case_number", "-id"),
    # Case-insensitive, so that "al-Faransi" sorts among the A's on every database.
    "name": ("sort_family_name", "sort_given_name", "id"),
    "-name": ("-sort_family_name", "-sort_given_name", "-id"),
    # Youngest first: the latest earliest-plausible birth date first; unknown dates last.
    "age": ("-sort_birth", "-id"),
    "-age": ("sort_birth", "id"),
    "status": ("sort_status", "id"),
    "-status": ("-sort_status", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_PERSON_SORT = "case_number"
_UNKNOWN_BIRTH = date(1, 1, 1)


def _sort_annotations() -> dict[str, Any]:
    """Non-null sort keys (keyset pagination cannot seek past NULL) and the workflow order of statuses."""
    return {
        "sort_family_name": Lower("family_name_lat"),
        "sort_given_name": Lower("given_name_lat"),
        "sort_birth": Coalesce("birth_date_earliest", Value(_UNKNOWN_BIRTH)),
        "sort_status": Case(
            *(When(status=value, then=Value(index)) for index, value in enumerate(CaseStatus.values)),
            default=Value(len(CaseStatus.values)),
            output_field=IntegerField(),
        ),
    }


def person_list_base(*, user: Any) -> QuerySet[Person]:
    """The persons the user may see, with the sort keys of the list (no filters, no row data)."""
    return Person.objects.visible_to(user).annotate(**_sort_annotations())


MATCH_SORT = "match"


class _PositionIn(Expression):
    """`CASE <pk> WHEN ranked[0] THEN 0 WHEN ranked[1] THEN 1 … ELSE len(ranked) END`, compiled directly.

    The same SQL as `Case(*(When(pk=pk, then=position) …))`, but that resolves one filter per
    `When` (about 0.2 ms each: 10 ms of CPU for the list's two querysets of 100 candidates), this
    one column only. A simple CASE, which PostgreSQL and SQLite both read.
    """

    output_field = IntegerField()

    def __init__(self, expression: Any, ranked: list[int]) -> None:
        super().__init__(output_field=IntegerField())
        self.source = expression
        self.ranked = [int(value) for value in ranked]

    def get_source_expressions(self) -> list[Any]:
        return [self.source]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.source,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.ranked:
            return "0", []
        sql, params = compiler.compile(self.source)
        whens = " ".join(["WHEN %s THEN %s"] * len(self.ranked))
        values = [value for position, pk in enumerate(self.ranked) for value in (pk, position)]
        return f"CASE {sql} {whens} ELSE %s END", [*params, *values, len(self.ranked)]


def with_match_rank(queryset: QuerySet[Person], ranked_pks: list[int]) -> QuerySet[Person]:
    """`queryset` annotated with `match_rank`: the position of each person among `ranked_pks` (others last).

    The list sorts a name search by it (the matcher's order, best first), with keyset pagination.
    """
    return queryset.annotate(match_rank=_PositionIn(F("pk"), ranked_pks))


def person_list_rows(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """`queryset` with what each row of the list shows, in the same query (no query per row).

    Adds `primary_nationality` (country code of the main nationality claim) and
    `current_facility` / `current_section` (names at the open custody period).
    """
    primary = NationalityClaim.objects.filter(person=OuterRef("pk"), is_primary=True)
    return queryset.select_related("assigned_to").annotate(
        primary_nationality=Subquery(primary.values("country")[:1]),
        current_facility=current_custody_value("facility__name"),
        current_section=current_custody_value("section__name"),
    )


def current_custody_value(path: str) -> Subquery:
    """A subquery for `path` (e.g. `facility__name`) of the person's open custody period."""
    current = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    return Subquery(current.values(path)[:1])


def visible_relative_ids(*, person: Person, user: Any) -> set[int]:
    """Ids of the person's relatives that the user may open (assigned-only users may see fewer)."""
    ids = {link.relative_id for link in person.family_links.all()}
    if not ids:
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


# --- My work ----------------------------------------------------------------------------------


def _status_counts(queryset: QuerySet[Person]) -> list[tuple[str, str, int]]:
    """(status, label, count) in workflow order, statuses without cases left out."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts[value]) for value, label in CaseStatus.choices if counts.get(value)]


def caseload_for(*, user: Any) -> list[tuple[str, str, int]]:
    """The user's assigned cases, counted by status."""
    return _status_counts(Person.objects.visible_to(user).filter(assigned_to=user))


def organisation_status_counts(*, user: Any) -> list[tuple[str, str, int]]:
    """All cases the user may see, counted by status."""
    return _status_counts(Person.objects.visible_to(user))


def organisation_nationality_counts(*, user: Any) -> list[tuple[str, int]]:
    """Cases the user may see, counted by main nationality (country code), largest first."""
    rows = (
        NationalityClaim.objects.visible_to(user)
        .filter(is_primary=True)
        .order_by()
        .values_list("country")
        .annotate(n=Count("id"))
        .order_by("-n", "country")
    )
    return list(rows)


def recent_status_changes(*, user: Any, limit: int = 10) -> QuerySet[PersonStatusChange]:
    """The latest status changes of the cases assigned to the user."""
    return (
        PersonStatusChange.objects.visible_to(user)
        .filter(person__assigned_to=user)
        .select_related("person", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- Intake: possible duplicates, and what changed during an edit ------------------------------

MAX_DUPLICATE_CANDIDATES = 10


def _query_birth_year(person: Person) -> int | None:
    """The year to compare with: the recorded one, or the middle of an estimated range."""
    earliest, latest = person.birth_date_earliest, person.birth_date_latest or person.birth_date_earliest
    if earliest is None:
        return None
    return (earliest.year + latest.year) // 2


def possible_duplicates(*, user: Any, person: Person, other_names: list[str] | tuple[str, ...] = ()) -> list[Any]:
    """Persons the user may see whom the matcher offers as `person` (not yet saved), best first, at most 10.

    Each of the person's names (Latin, Arabic, the other names typed for them) is a query to the
    matcher with the person's sex and birth year; a candidate is kept when it is *suggested*
    (its score reaches the suggestion threshold), with its best score and the reasons for it.
    Returns the matcher's `Candidate`s. Four queries per name, whatever the number of candidates.
    """
    person.refresh_derived_fields()
    texts = [text for text in (person.full_name_lat, person.full_name_ar, *other_names) if text and text.strip()]
    birth_year = _query_birth_year(person)
    best: dict[int, Any] = {}
    for text in dict.fromkeys(texts):
        for candidate in rank_persons(
            user=user, text=text, sex=person.sex, birth_year=birth_year, limit=MAX_DUPLICATE_CANDIDATES
        ):
            pk = candidate.person.pk
            if not candidate.suggested or pk == person.pk:
                continue
            if pk not in best or candidate.score > best[pk].score:
                best[pk] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.person.case_number))
    return ranked[:MAX_DUPLICATE_CANDIDATES]


def person_changes_since(*, person: Person, updated_at: datetime) -> list[str] | None:
    """Names of the fields of `person` that differ from its version saved at `updated_at` (None: not in history)."""
    fields = [f for f in Person._meta.concrete_fields if f.name not in _UNTRACKED_CHANGES]
    return changes_since(person, updated_at=updated_at, fields=fields)


# Fields that change as a consequence of others, or are bookkeeping rather than content.
_UNTRACKED_CHANGES = frozenset(
    {"id", "public_id", "created_at", "updated_at", "name_search", "status_changed_at", "created_by", "organisation"}
)


def record_changes_since(*, record: Any, updated_at: datetime) -> list[str] | None:
    """Names of the editable fields of a person's record that differ from its version saved at `updated_at`."""
    fields = [f for f in type(record)._meta.concrete_fields if f.editable]
    return changes_since(record, updated_at=updated_at, fields=fields)


# --- Facilities: current population ----------------------------------------------------------------
# The *current population* of a facility is the persons whose open custody period (no end date) is
# there, counted only among the persons the user may see.


def current_custody(*, user: Any) -> QuerySet[CustodyPeriod]:
    """Open custody periods of the persons the user may see."""
    return CustodyPeriod.objects.visible_to(user).filter(end_date__isnull=True)


def facility_list_rows(*, user: Any, today: date | None = None) -> QuerySet[Facility]:
    """Facilities with `current_authority` (name in control today) and `population` (visible persons), one query."""
    today = today or timezone.localdate()
    control = FacilityControlPeriod.objects.filter(in_control_on(today), facility=OuterRef("pk")).order_by(
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
        NationalityClaim.objects.filter(person_id=OuterRef("person_id"), is_primary=True)
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
    for index, (key, _label, _youngest, _oldest) in enumerate(AGE_BANDS):
        counts[f"band_{index}"] = Count("pk", filter=age_band_bounds(key, today, field=born))
    aggregates = current.aggregate(**counts)

    return FacilityPopulation(
        total=sum(n for _name, n in by_section),
        by_section=by_section,
        by_nationality=by_nationality,
        by_age_band=[(key, label, aggregates[f"band_{index}"]) for index, (key, label, _y, _o) in enumerate(AGE_BANDS)],
        age_unknown=aggregates["age_unknown"],
    )


def current_return_assessments(*, persons: list[Person]) -> dict[int, list[ReturnAssessment]]:
    """The latest return wish and risk assessment per State of each person (by person id), in one query.

    Shown before a request is created: the person's own wish and any risk on return must be seen first.
    """
    found: dict[int, list[ReturnAssessment]] = {person.pk: [] for person in persons}
    seen: set[tuple[int, str]] = set()
    rows = ReturnAssessment.objects.filter(person_id__in=list(found)).order_by("person_id", "-assessed_on", "-pk")
    for assessment in rows:
        key = (assessment.person_id, assessment.country.code)
        if key not in seen:
            seen.add(key)
            found[assessment.person_id].append(assessment)
    return found

"""Filters of the person list. Every choice list is narrowed to what the user may see.

The list is filtered on top of `Person.objects.visible_to(user)`; filters only ever narrow it.
Filters on government requests go through the reverse relation `request_memberships`; their status
sets come from `govrequests.choices`, which imports nothing from the project (style guide §2).
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import User
from casework.camps.models import Facility, FacilitySection
from casework.core.dates import anniversary
from casework.core.sensitivity import can_view_sensitive
from casework.govrequests.choices import OPEN_REQUEST_STATUSES
from casework.people.choices import AGE_BANDS, CaseStatus, SeparationStatus, Sex
from casework.people.models import CustodyPeriod, NationalityClaim, Person
from casework.people.name_search import MAX_RESULTS, rank_persons

AGE_BAND_CHOICES = [(key, label) for key, label, _youngest, _oldest in AGE_BANDS]
_AGE_BAND_YEARS = {key: (youngest, oldest) for key, _label, youngest, oldest in AGE_BANDS}


def age_band_bounds(band: str, today: date, *, field: str = "birth_date_earliest") -> Q:
    """Rows whose date `field` (a person's earliest plausible birth date) puts them in the age band on `today`."""
    youngest, oldest = _AGE_BAND_YEARS[band]
    # Aged at least n ⇔ born on or before the same day n years ago.
    condition = Q(**{f"{field}__lte": anniversary(today, -youngest)})
    if oldest is not None:
        condition &= Q(**{f"{field}__gt": anniversary(today, -(oldest + 1))})
    return condition


# Facilities and sections are reference data that rarely change: their rows are cached per process
# for this long (saves in this process clear the cache at once; other processes catch up within it).
LOCATION_CACHE_KEY = "people:person-filters:locations"
LOCATION_CACHE_SECONDS = 60


def _location_rows() -> list[tuple[Any, str, Any, str | None]]:
    """(facility id, facility name, section id, section name) rows, from the cache when fresh."""
    rows = cache.get(LOCATION_CACHE_KEY)
    if rows is None:
        rows = list(
            Facility.objects.order_by("name", "sections__name").values_list(
                "public_id", "name", "sections__public_id", "sections__name"
            )
        )
        cache.set(LOCATION_CACHE_KEY, rows, LOCATION_CACHE_SECONDS)
    return rows


@receiver(post_save, sender=Facility)
@receiver(post_delete, sender=Facility)
@receiver(post_save, sender=FacilitySection)
@receiver(post_delete, sender=FacilitySection)
def _forget_locations(**_kwargs: Any) -> None:
    cache.delete(LOCATION_CACHE_KEY)


def with_nationality(queryset: QuerySet, country: str) -> QuerySet:
    """Persons with a nationality claim (of any status) for the State (the person list's and dashboard's filter)."""
    return queryset.filter(Exists(NationalityClaim.objects.filter(person=OuterRef("pk"), country=country)))


def held_at(queryset: QuerySet, location: str) -> QuerySet:
    """Persons whose open custody period is at the facility (`f:<public id>`) or section (`s:<public id>`)."""
    kind, _sep, public_id = location.partition(":")
    field = "facility__public_id" if kind == "f" else "section__public_id"
    current = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True, **{field: public_id})
    return queryset.filter(Exists(current))


def location_choices() -> list[tuple[str, Any]]:
    """Facilities and their sections, grouped by facility (reference data, cached: no query mostly)."""
    rows = _location_rows()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for facility_id, facility_name, section_id, section_name in rows:
        options = grouped.setdefault(
            facility_name, [(f"f:{facility_id}", _("All of %(facility)s") % {"facility": facility_name})]
        )
        if section_id is not None:
            options.append((f"s:{section_id}", section_name))
    return list(grouped.items())


def caseworker_choices(*, user: Any) -> list[tuple[str, str]]:
    """Active users of the user's organisation (all for superusers), as (id, username)."""
    users = User.objects.visible_to(user).filter(is_active=True).order_by("username")
    return [(str(pk), username) for pk, username in users.values_list("pk", "username")]


# The person pickers (relatives, persons of a request) offer at most this many persons of one search.
PICKER_LIMIT = 50


def name_matches(*, user: User, text: str, sex: str | None = None, limit: int = MAX_RESULTS) -> dict[int, Any]:
    """The matcher's candidates for `text` among the persons `user` may see, by person id, best first."""
    candidates = rank_persons(user=user, text=text, sex=sex or None, limit=limit)
    return {candidate.person.pk: candidate for candidate in candidates}


def case_number_prefix(text: str) -> Q:
    """Persons whose case number starts with `text` (typed in the same box as names)."""
    prefix = (text or "").strip().upper()
    return Q(case_number__startswith=prefix) if prefix else Q(pk__in=[])


def picker_candidates(
    *, user: User, query: str, organisation_id: int | None = None, exclude_pks: Iterable[int] = ()
) -> list[Person]:
    """The search results of every person picker: visible persons matching `query`, the first PICKER_LIMIT.

    Persons whose case number starts with `query` first, then the persons the matcher finds for
    the name, best first (see casework/people/name_search.py). `organisation_id` keeps to one
    organisation's persons (a request's, a relative's); `exclude_pks` leaves out persons already
    offered, so that they do not use up the limit. At most five queries.
    """
    query = (query or "").strip()
    if not query:
        return []
    exclude_pks = set(exclude_pks)
    by_number = Person.objects.visible_to(user).filter(case_number_prefix(query))
    if organisation_id is not None:
        by_number = by_number.filter(organisation_id=organisation_id)
    if exclude_pks:
        by_number = by_number.exclude(pk__in=exclude_pks)
    found = list(by_number.order_by("case_number")[:PICKER_LIMIT])
    seen = exclude_pks | {person.pk for person in found}
    for candidate in rank_persons(user=user, text=query, limit=PICKER_LIMIT + len(exclude_pks)):
        person = candidate.person
        if person.pk in seen or (organisation_id is not None and person.organisation_id != organisation_id):
            continue
        seen.add(person.pk)
        found.append(person)
    return found[:PICKER_LIMIT]


class CachedOptionsSelect(forms.Select):
    """A select whose options (static choices, e.g. the 250 States) are rendered once per language.

    Django renders each option through a template of its own (about 30 ms for 250 countries); here
    the `<option>` tags are built with `format_html` and cached per language in the Django cache,
    and the selected one is marked by a string replacement. Flat choices only (no groups).
    """

    def __init__(self, *args: Any, cache_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key

    def _options_html(self) -> str:
        key = f"people:options:{self.cache_key}:{get_language()}"
        html = cache.get(key)
        if html is None:
            html = format_html_join(
                "", '<option value="{}">{}</option>', ((str(value), label) for value, label in self.choices)
            )
            cache.set(key, str(html), None)
        return html

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        options = self._options_html()
        selected = self.format_value(value)[:1]
        if selected:
            tag = f'<option value="{escape(selected[0])}">'
            options = options.replace(tag, f"{tag[:-1]} selected>", 1)
        # `options` was built by format_html_join (every value escaped), hence the reviewed `nosec` below.
        # As django/forms/widgets/attrs.html writes them: in order, True as a bare name, False left out.
        attributes = format_html_join(
            "",
            " {}{}",
            (
                (key, "" if attr is True else format_html('="{}"', attr))
                for key, attr in self.build_attrs(self.attrs, attrs).items()
                if attr is not False
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe(options))  # noqa: S308  # nosec


def _once(function: Callable[[], list]) -> Callable[[], list]:
    """`function`, called at most once (choices are iterated for validation and again for rendering)."""
    result: list = []
    called = False

    def wrapper() -> list:
        nonlocal result, called
        if not called:
            result, called = function(), True
        return result

    return wrapper


class PersonFilterSet(django_filters.FilterSet):
    """Filters of the person list; `request.user` narrows the choices and the sensitive filters."""

    q = django_filters.CharFilter(
        label=_("Name or case number"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(label=_("Case status"), choices=CaseStatus.choices)
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"),
        choices=countries,
        method="filter_nationality",
        widget=CachedOptionsSelect(cache_key="countries"),
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    age_band = django_filters.ChoiceFilter(label=_("Age"), choices=AGE_BAND_CHOICES, method="filter_age_band")
    location = django_filters.ChoiceFilter(label=_("Current location"), method="filter_location")
    assigned_to = django_filters.ChoiceFilter(label=_("Assigned caseworker"), field_name="assigned_to_id")
    separation_status = django_filters.ChoiceFilter(label=_("Accompanied or not"), choices=SeparationStatus.choices)
    medical_urgent = django_filters.BooleanFilter(label=_("Urgent medical case"))
    has_open_request = django_filters.BooleanFilter(label=_("Has an open request"), method="filter_open_request")
    statelessness_risk = django_filters.BooleanFilter(
        label=_("Risk of statelessness"), method="filter_statelessness_risk"
    )
    request_state = django_filters.ChoiceFilter(
        label=_("State of request"),
        choices=countries,
        method="filter_request_state",
        widget=CachedOptionsSelect(cache_key="countries"),
    )

    class Meta:
        model = Person
        fields = ["q", "status", "nationality", "sex", "age_band", "location", "assigned_to", "separation_status"]

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.name_matches: dict[int, Any] = {}  # set by filter_text: the matcher's candidates by person id
        # Choices are read once per request, when the form is validated or rendered (not for htmx
        # partials without filters), and shared by validation and rendering.
        self.filters["location"].extra["choices"] = CallableChoiceIterator(_once(location_choices))
        self.filters["assigned_to"].extra["choices"] = CallableChoiceIterator(
            _once(lambda: caseworker_choices(user=user))
        )
        if not can_view_sensitive(user):
            # Filtering on an L3 field would reveal it: the filter does not exist for this user.
            del self.filters["medical_urgent"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A case-number prefix, or a name in any script and spelling (the matcher, best first).

        The matcher's candidates are kept in `name_matches` (by person id): the list sorts by their
        score and shows their reasons. The other filters narrow them like any other rows.
        """
        sex = self.form.cleaned_data.get("sex") if hasattr(self.form, "cleaned_data") else None
        self.name_matches = name_matches(user=self.request.user, text=value, sex=sex)
        return queryset.filter(case_number_prefix(value) | Q(pk__in=list(self.name_matches)))

    def filter_nationality(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return with_nationality(queryset, value)

    def filter_age_band(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(age_band_bounds(value, timezone.localdate()))

    def filter_location(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return held_at(queryset, value)

    def filter_open_request(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        open_requests = Person.objects.filter(
            pk=OuterRef("pk"), request_memberships__request__status__in=OPEN_REQUEST_STATUSES
        )
        return queryset.filter(Exists(open_requests)) if value else queryset.exclude(Exists(open_requests))

    def filter_statelessness_risk(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """An unregistered birth or a claim flagged at risk (`PersonQuerySet.at_risk_of_statelessness`)."""
        if value is None:
            return queryset
        at_risk = queryset.model.objects.at_risk_of_statelessness().values("pk")
        return queryset.filter(pk__in=at_risk) if value else queryset.exclude(pk__in=at_risk)

    def filter_request_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Persons covered by a request (any status) to an authority of the State."""
        to_state = Person.objects.filter(pk=OuterRef("pk"), request_memberships__request__authority__country=value)
        return queryset.filter(Exists(to_state))

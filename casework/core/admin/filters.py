"""List filters that offer only values the user may see (not a DISTINCT over every row of the table)."""

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.core.admin.base import scoped_choices


class CountryListFilter(admin.SimpleListFilter):
    """The States present in the user's rows (not all 250 countries); set `field_path` in a subclass."""

    field_path: ClassVar[str] = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = model_admin.get_queryset(request).order_by().values_list(self.field_path, flat=True).distinct()
        return sorted(((code, countries.name(code) or code) for code in codes if code), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(**{self.field_path: value}) if value else queryset


class ScopedUserFilter(admin.SimpleListFilter):
    """A user column's filter listing the users the viewer may see (not a DISTINCT over every row)."""

    title = _("user")
    parameter_name = "user"
    field_path: ClassVar[str] = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        users = scoped_choices(get_user_model(), request.user)
        if users is None:
            return []
        return [(str(pk), username) for pk, username in users.order_by("username").values_list("pk", "username")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(**{f"{self.field_path}_id": int(value)}) if value and value.isdigit() else queryset


class ActorFilter(ScopedUserFilter):
    title = _("actor")
    parameter_name = "actor"
    field_path = "actor"


def country_filter(field_path: str, title: Any) -> type[CountryListFilter]:
    """A CountryListFilter over `field_path` (e.g. `authority__country`)."""
    return type(
        f"CountryFilter_{field_path}",
        (CountryListFilter,),
        {"field_path": field_path, "title": title, "parameter_name": field_path},
    )


class OrganisationFilter(admin.SimpleListFilter):
    """The "by organisation" filter listing only the organisations the user may see (theirs; all for superusers).

    Django's default filter on a foreign key lists every organisation's name to anyone who opens the list.
    """

    title = _("organisation")
    parameter_name = "organisation"
    field_path: ClassVar[str] = "organisation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        field = model_admin.model._meta.get_field(self.field_path)
        organisations = scoped_choices(field.related_model, request.user)
        if organisations is None:
            return []
        return [(str(pk), name) for pk, name in organisations.order_by("name").values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or ""
        # Not a 64-bit id (SQLite raises OverflowError on larger numbers): no such organisation.
        if not value.isdigit() or len(value) > 18:
            return queryset if not value else queryset.none()
        return queryset.filter(**{f"{self.field_path}_id": int(value)})

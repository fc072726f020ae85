"""List filters of the person admin: nationality, current facility, assigned caseworker, custody."""

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.accounts.models import User
from casework.camps.models import Facility
from casework.people.models import CustodyPeriod, NationalityClaim


class NationalityFilter(admin.SimpleListFilter):
    """Persons with a nationality claim (any status) for a State; lists the States of the user's claims."""

    title = _("nationality")
    parameter_name = "nationality"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            NationalityClaim.objects.visible_to(request.user).order_by().values_list("country", flat=True).distinct()
        )
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        claims = NationalityClaim.objects.filter(person=OuterRef("pk"), country=self.value())
        return queryset.filter(Exists(claims))


class CurrentFacilityFilter(admin.SimpleListFilter):
    """Persons whose open custody period is at a facility."""

    title = _("current facility")
    parameter_name = "facility"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in Facility.objects.visible_to(request.user).values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not (value and value.isdigit()):
            return queryset
        current = CustodyPeriod.objects.filter(person=OuterRef("pk"), end_date__isnull=True, facility_id=int(value))
        return queryset.filter(Exists(current))


class AssignedCaseworkerFilter(admin.SimpleListFilter):
    """Assigned caseworker, among the users of the user's own organisation."""

    title = _("assigned caseworker")
    parameter_name = "assigned"
    NOBODY = "none"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        users = (
            User.objects.visible_to(request.user)
            .filter(is_active=True)
            .order_by("username")
            .values_list("pk", "username", "first_name", "last_name")
        )
        names = [(str(pk), f"{first} {last}".strip() or username) for pk, username, first, last in users]
        return [(self.NOBODY, gettext("Nobody")), *names]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class CurrentCustodyFilter(admin.SimpleListFilter):
    title = _("current")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Current (open) periods")), ("no", gettext("Ended periods"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(end_date__isnull=True)
        if self.value() == "no":
            return queryset.filter(end_date__isnull=False)
        return queryset

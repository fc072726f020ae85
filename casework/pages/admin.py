"""Admin that combines several apps: the person, with its screening and government-request inlines.

`casework.people.admin.PersonAdmin` holds the person's own admin (forms, filters, actions, the inlines of
people's records); this top-layer app adds the inlines of `screenings`, `legal` and `govrequests`, in the
order the change form always had, and registers it.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.core.admin import ReadOnlyInlineMixin, ScopedInlineMixin
from casework.govrequests.models import RequestedPerson
from casework.legal.admin import SensitiveOnlyAdminMixin
from casework.legal.models import Hearing, LegalProceeding
from casework.people.admin import PersonAdmin, PersonStatusChangeInline
from casework.people.models import Person
from casework.screenings.models import CustodyEntry, Screening


def _own_choices(formset: Any, name: str, person: Person | None) -> Any:
    """Narrow the select `name` of an inline's rows to the person's own records (none yet on the add page).

    Not every record of the organisation: a select of them all loaded each one's person for its label, one
    query each (705 queries on the person add page with the 2,000-person demo)."""
    field = formset.form.base_fields.get(name)
    if field is not None:
        own = field.queryset.filter(person=person) if person is not None and person.pk else field.queryset.none()
        field.queryset = own.select_related("person")
    return formset


class ScreeningInline(ScopedInlineMixin, admin.StackedInline):
    model = Screening
    fields = (
        ("screened_on", "authority", "screened_by"),
        ("facility", "location"),
        ("outcome", "recorded_by"),
        "findings",
    )
    readonly_fields = ("recorded_by",)
    autocomplete_fields = ("facility",)
    inline_select_related = ("authority", "facility", "recorded_by")

    def save_new_object(self, request: HttpRequest, *, parent: Person, obj: Any, form: Any) -> None:
        obj.recorded_by = request.user
        super().save_new_object(request, parent=parent, obj=obj, form=form)


class CustodyEntryInline(ScopedInlineMixin, admin.TabularInline):
    model = CustodyEntry
    fields = ("event", "occurred_on", "place", "screening_point", "population_category", "screening", "notes")
    inline_select_related = ("screening",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return _own_choices(super().get_formset(request, obj, **kwargs), "screening", obj)


class LegalProceedingInline(SensitiveOnlyAdminMixin, ScopedInlineMixin, admin.StackedInline):
    """Legal proceedings are L3 as a whole: the inline exists only for users with the permission."""

    model = LegalProceeding
    fields = (
        ("kind", "country", "authority", "reference"),
        ("opened_on", "outcome", "outcome_on"),
        "request",
        "notes",
    )
    inline_select_related = ("request",)
    raw_id_fields = ("request",)


class HearingInline(SensitiveOnlyAdminMixin, ScopedInlineMixin, admin.TabularInline):
    model = Hearing
    fields = ("proceeding", "hearing_on", "court", "purpose", "held", "notes")
    inline_select_related = ("proceeding",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return _own_choices(super().get_formset(request, obj, **kwargs), "proceeding", obj)


class RequestMembershipInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = RequestedPerson
    verbose_name = _("government request")
    verbose_name_plural = _("government requests covering this person")
    fields = ("request", "decision", "decided_on")
    readonly_fields = fields
    inline_select_related = ("request",)


@admin.register(Person)
class PersonPageAdmin(PersonAdmin):
    inlines = [
        *(inline for inline in PersonAdmin.inlines if inline is not PersonStatusChangeInline),
        ScreeningInline,
        CustodyEntryInline,
        LegalProceedingInline,
        HearingInline,
        RequestMembershipInline,
        PersonStatusChangeInline,
    ]

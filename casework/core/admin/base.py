"""Admin base classes: scoped like the views, L3 fields hidden or logged, writes audited, status moved by actions.

Terms used here:
- *scope*: the rows a user may see, always `Model.objects.visible_to(user)` (reference data: all rows);
  rows outside it answer like missing rows (the admin's "doesn't exist" redirect, or 404).
- *L3 fields*: the model's `SENSITIVE_FIELDS`. Users without `accounts.view_sensitive_data` never get
  them in a form, a list column, a filter, a search or an inline; users with it have each change
  form (and history page) that shows them recorded as a `sensitive.read` audit event.
- *owner organisation*: the organisation a row belongs to, directly (`organisation`) or through the
  person, request or handover it hangs from. Non-superusers can only write rows of their own.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import DataError, NotSupportedError, models
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.core import access, audit
from casework.core.exceptions import DomainError
from casework.core.forms import VersionedAdminForm
from casework.core.history import save_with_history
from casework.core.sensitivity import can_view_sensitive, hidden_fields_for, log_sensitive_read, sensitive_fields

# Badge colours of choices.py ("success", "danger", …): classes of static/css/admin.css (the CSP allows no
# inline style).
_BADGE_COLOURS = {"primary", "secondary", "success", "danger", "warning", "info", "dark"}


def status_badge(label: Any, colour: str) -> str:
    """A coloured pill for a status label (`colour` is a key of the STATUS_BADGE maps)."""
    return format_html(
        '<span class="cw-badge cw-badge-{}">{}</span>', colour if colour in _BADGE_COLOURS else "secondary", label
    )


def related_count(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT of the rows of `queryset` whose `field` points to the outer row.

    Unlike `Count()` over a join, it adds no GROUP BY to the outer query, so the changelist's
    counts, filters and date hierarchy stay plain queries.
    """
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Scope -----------------------------------------------------------------------------------------


def scoped_choices(model: type[models.Model], user: Any) -> QuerySet | None:
    """`model`'s rows the user may pick in a form, or None when the model has no scope (plain reference data)."""
    queryset = model._default_manager.all()
    visible_to = getattr(queryset, "visible_to", None)
    return visible_to(user) if visible_to is not None else None


def _with_scoped_choices(db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The form field arguments of a relation, its choices narrowed to the rows the user may pick (unless given)."""
    if "queryset" not in kwargs:
        narrowed = scoped_choices(db_field.related_model, request.user)
        if narrowed is not None:
            kwargs["queryset"] = narrowed
    return kwargs


def _is_value_of(field: models.Field, value: Any) -> bool:
    """Whether `value` (from a query string or a form) can be an id of `field` (type and range)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, less the values that are no id of the related field.

    It looks its value up in the database, and a malformed one raised there: an add page's `?facility=abc`,
    a form posted back with an error and `person=abc`, 2**63, a NUL byte (found by the probe, 500s)."""

    def optgroups(self, name: str, value: list[Any], attr: dict | None = None) -> list[Any]:
        target = self.field.target_field
        return super().optgroups(name, [each for each in value if _is_value_of(target, each)], attr)


def owner_organisation_id(obj: models.Model) -> int | None:
    """The organisation a row belongs to, or None for reference data shared by all organisations."""
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    for parent in ("person", "request", "operation"):
        parent_id = getattr(obj, f"{parent}_id", None)
        if parent_id is not None:
            return owner_organisation_id(getattr(obj, parent))
    return None


def _about_persons(model: type[models.Model]) -> bool:
    """Whether each row of `model` is a person or a record of one (its changelist is logged as a reading)."""
    return hasattr(model, "accessed_person_id") or _has_field(model, "person")


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _is_sensitive_path(model: type[models.Model], path: str) -> bool:
    """True if the lookup `path` (e.g. `screenings__findings`) ends on an L3 field."""
    current = model
    for part in path.lstrip("^=@").split("__"):
        if part in sensitive_fields(current):
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not (field.is_relation and field.related_model):
            return False
        current = field.related_model
    return False


def _strip_fields(entries: Iterable[Any], hidden: frozenset[str]) -> list[Any]:
    """`entries` (names, or tuples of names shown on one line) without the hidden names."""
    kept: list[Any] = []
    for entry in entries:
        if isinstance(entry, list | tuple):
            line = tuple(name for name in entry if name not in hidden)
            if line:
                kept.append(line)
        elif entry not in hidden:
            kept.append(entry)
    return kept


def admin_action(model: type[models.Model], verb: str) -> str:
    """The audit action of a change made in the admin, e.g. `admin.people.alias.saved`."""
    return f"admin.{model._meta.app_label}.{model._meta.model_name}.{verb}"


class ScopedAdminMixin:
    """Scope, choice narrowing and L3 hiding shared by model admins and inlines."""

    form = VersionedAdminForm

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Narrow `queryset` to the user's scope; fails loudly for a model without `visible_to`."""
        visible_to = getattr(queryset, "visible_to", None)
        if visible_to is None:
            raise ImproperlyConfigured(
                f"{queryset.model.__name__} has no visible_to(); override scope_queryset() in its admin."
            )
        return visible_to(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **_with_scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_manytomany(db_field, request, **_with_scoped_choices(db_field, request, kwargs))

    # L3 fields: never in a form, a fieldset or a read-only field of a user without the permission.
    def hidden_fields(self, request: HttpRequest) -> frozenset[str]:
        return hidden_fields_for(request.user, self.model)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        excluded = super().get_exclude(request, obj)
        hidden = self.hidden_fields(request)
        if not hidden:
            return excluded
        if excluded is None:
            meta = getattr(self.form, "_meta", None)
            excluded = getattr(meta, "exclude", None) or []
        return [*excluded, *hidden]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        return _strip_fields(super().get_fields(request, obj), self.hidden_fields(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict]]:
        hidden = self.hidden_fields(request)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = _strip_fields(options.get("fields", ()), hidden)
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        if fieldsets and self._carries_version(request, obj, fieldsets):
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": [*options["fields"], "version"]})
        return fieldsets

    def _carries_version(self, request: HttpRequest, obj: Any, fieldsets: list[tuple[Any, dict]]) -> bool:
        """Whether the form gets the hidden version of optimistic concurrency (`VersionedAdminForm`).

        For a form the user may change whose rows have an `updated_at`: a change form (`obj`), or an
        inline's rows (`obj` is then the parent).
        """
        if "version" not in getattr(self.form, "base_fields", {}) or "version" in flatten_fieldsets(fieldsets):
            return False
        if not any(field.name == "updated_at" for field in self.model._meta.concrete_fields):
            return False
        is_inline = isinstance(self, InlineModelAdmin)
        return (obj is not None or is_inline) and self.has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        hidden = self.hidden_fields(request)
        return [name for name in super().get_readonly_fields(request, obj) if name not in hidden]


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A model admin whose rows, choices and writes stay inside the user's organisation.

    - `get_queryset` is `visible_to(user)`; foreign-key choices are narrowed the same way.
    - `organisation` is read-only for non-superusers (set to theirs on add) and after creation.
    - Saving a row owned by another organisation is refused (PermissionDenied) for non-superusers.
    - A DomainError or ValidationError raised by a service while saving rolls the save back and
      comes back as an error message, never as a 500.
    - Users with the L3 permission have every change form that shows L3 fields logged.
    """

    # Superusers may move the row to another organisation after creation (users only).
    organisation_editable_on_change: ClassVar[bool] = False

    def view_on_site(self, obj: models.Model) -> str | None:
        """The record's own page, linked directly: the site's `/r/` shortcut is disabled (`core.sites`)."""
        get_absolute_url = getattr(obj, "get_absolute_url", None)
        return get_absolute_url() if get_absolute_url is not None else None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if _has_field(self.model, "organisation") and "organisation" not in readonly:
            superuser = request.user.is_superuser
            if not superuser or (obj is not None and not self.organisation_editable_on_change):
                readonly.append("organisation")
        return readonly

    # L3 fields are kept out of list columns, filters and searches (a filter or search on them reveals them).
    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = super().get_list_display(request)
        if can_view_sensitive(request.user):
            return columns
        return [c for c in columns if not (isinstance(c, str) and _is_sensitive_path(self.model, c))]

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        filters = super().get_list_filter(request)
        if can_view_sensitive(request.user):
            return filters

        def sensitive(entry: Any) -> bool:
            path = entry[0] if isinstance(entry, list | tuple) else entry
            return isinstance(path, str) and _is_sensitive_path(self.model, path)

        return [f for f in filters if not sensitive(f)]

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        fields = super().get_search_fields(request)
        if can_view_sensitive(request.user):
            return fields
        return [f for f in fields if not _is_sensitive_path(self.model, f)]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """The changelist; one of rows about persons is a reading of the persons listed (read log)."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if getattr(response, "status_code", None) == 200 and changelist is not None and _about_persons(self.model):
            # The page's rows (the template reuses them: no second query).
            access.note_list(request, model=self.model, persons=list(changelist.result_list), search=changelist.query)
        return response

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The changelist; filter values the database cannot compare are an invalid filter (`?e=1`), not a 500.

        On SQLite an integer beyond 64 bits raises OverflowError and a JSON `contains` lookup
        NotSupportedError; a year 0 (`?created_at__year=0`) raises ValueError when the query is built;
        on PostgreSQL a value of the wrong type raises DataError. (No savepoint:
        it would add two queries to every changelist, and requests are not atomic.)
        """
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError, NotSupportedError, DataError) as exc:
            raise IncorrectLookupParameters from exc

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Django allows any URL filter on the model's own fields (?health_notes__contains=…): on an
        # L3 field that is an unlogged oracle, refused for everyone (answered with a 400).
        if _is_sensitive_path(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    # Writes stay in the user's organisation.
    def assert_in_scope(self, request: HttpRequest, obj: models.Model) -> None:
        """Refuse to write a row of another organisation (superusers excepted)."""
        user = request.user
        if user.is_superuser:
            return
        owner = owner_organisation_id(obj)
        if owner is not None and owner != user.organisation_id:
            raise PermissionDenied

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        obj = super().save_form(request, form, change)
        # Set before the inlines are validated and saved, so that they see the owner.
        if not change and not request.user.is_superuser and _has_field(self.model, "organisation"):
            obj.organisation_id = request.user.organisation_id
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.assert_in_scope(request, obj)
        # On change, write back only what the form edits: fields that services move (status, its
        # dates) are never overwritten with the values this request loaded.
        save_with_history(obj, request.user, update_fields=self.edited_fields(obj, form) if change else None)

    @staticmethod
    def edited_fields(obj: models.Model, form: Any) -> list[str]:
        """The concrete fields a change form writes: its own, plus `auto_now` timestamps."""
        return [
            field.name
            for field in obj._meta.concrete_fields
            if not field.primary_key and (field.name in form.fields or getattr(field, "auto_now", False))
        ]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except (DomainError, ValidationError) as exc:
            # Raised by a service inside the admin's transaction, which is rolled back by now.
            text = str(exc) if isinstance(exc, DomainError) else " ".join(exc.messages)
            self.message_user(request, gettext("Nothing was saved: %(error)s") % {"error": text}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        if getattr(response, "status_code", None) == 200 and getattr(response, "context_data", None):
            self.log_sensitive_render(request, response.context_data)
            original = response.context_data.get("original")
            if original is not None:
                access.note(request, kind=access.Kind.ADMIN_CHANGE, persons=[original])
        return response

    def log_sensitive_render(self, request: HttpRequest, context: dict) -> None:
        """Record the reading of every row whose L3 fields this rendered change form shows."""
        if not can_view_sensitive(request.user):
            return
        shown: list[models.Model] = []
        original = context.get("original")
        adminform = context.get("adminform")
        if original is not None and adminform is not None:
            fields = set(flatten_fieldsets(adminform.fieldsets))
            if fields & sensitive_fields(self.model):
                shown.append(original)
        for inline_formset in context.get("inline_admin_formsets", ()):
            model = inline_formset.opts.model
            if set(flatten_fieldsets(inline_formset.fieldsets)) & sensitive_fields(model):
                shown.extend(form.instance for form in inline_formset.formset.initial_forms)
        if shown:
            log_sensitive_read(user=request.user, objects=shown, context=f"admin:{self.opts.label_lower}.change")


class AuditedModelAdmin(ScopedModelAdmin):
    """Records an audit event for each save and delete done through the admin.

    Admins whose saves go through a service that records its own event set `audit_on_save = False`.
    Inline rows are saved one by one: new ones through the inline's `save_new_object` (which may
    call a service), changed and deleted ones here, each with an audit event.
    """

    audit_on_save: ClassVar[bool] = True

    def _action(self, model: type[models.Model], verb: str) -> str:
        return admin_action(model, verb)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if self.audit_on_save:
            # Which fields changed, never their values (some are L3).
            data = {"fields": sorted(form.changed_data)} if change else None
            audit.record(actor=request.user, action=self._action(self.model, "saved"), target=obj, data=data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=request.user, action=self._action(self.model, "deleted"), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            audit.record(actor=request.user, action=self._action(self.model, "deleted"), target=obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        inline = getattr(formset, "admin_inline", None)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.assert_in_scope(request, obj)
            obj._history_user = request.user
            if inline is not None:
                inline.delete_object(request, obj=obj)
                continue
            audit.record(actor=request.user, action=self._action(formset.model, "deleted"), target=obj)
            obj.delete()
        new_forms = {id(f.instance): f for f in formset.extra_forms}
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for obj in instances:
            self.assert_in_scope(request, obj)
            obj._history_user = request.user
            if inline is not None:
                if obj._state.adding:
                    inline.save_new_object(request, parent=form.instance, obj=obj, form=new_forms.get(id(obj)))
                else:
                    inline.save_changed_object(request, obj=obj)
                continue
            obj.save()
            row = forms_by_instance.get(id(obj))
            data = {"fields": sorted(row.changed_data)} if row is not None else None
            audit.record(actor=request.user, action=self._action(formset.model, "saved"), target=obj, data=data)
        formset.save_m2m()


class AuditedHistoryAdmin(AuditedModelAdmin, SimpleHistoryAdmin):
    """For models with django-simple-history: the history pages are scoped, read-only, and L3-guarded.

    The history shows old values, L3 ones included: for a model with L3 fields it needs
    `accounts.view_sensitive_data`, and each opening is logged. A row outside the user's scope has
    no history for them (404), even when its historical rows exist. Reverting is disabled: it would
    write around the services.
    """

    def _visible_object_or_404(self, request: HttpRequest, object_id: str) -> models.Model:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if sensitive_fields(self.model) and not can_view_sensitive(request.user):
            raise PermissionDenied
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        obj = self._visible_object_or_404(request, object_id)
        response = super().history_view(request, object_id, extra_context)
        # Old values of a person's record are a reading of the person (read log), L3 or not.
        access.note(request, kind=access.Kind.ADMIN_CHANGE, persons=[obj])
        if sensitive_fields(self.model):
            log_sensitive_read(user=request.user, objects=[obj], context=f"admin:{self.opts.label_lower}.history")
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self._visible_object_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        if not version_id.isdigit() or int(version_id) >= 2**63:
            raise Http404  # not a version number (Django would answer a ValueError with a 500)
        response = super().history_form_view(request, object_id, version_id, extra_context)
        access.note(request, kind=access.Kind.ADMIN_CHANGE, persons=[obj])
        if sensitive_fields(self.model):
            log_sensitive_read(user=request.user, objects=[obj], context=f"admin:{self.opts.label_lower}.history")
        return response

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class NoAddOrDeleteMixin:
    """Rows the workers raise (reminders, outbound messages): never added or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoAddOrDeleteMixin):
    """Append-only rows (model admins and inlines): shown, never added, changed or deleted here."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Append-only records (audit events, status histories): view only, never added, changed or deleted here."""


class SharedDefaultsAdminMixin:
    """Rows without an organisation are shared defaults that apply to every organisation (State policies,
    reminder rules): everyone sees them, only superusers change or delete them, and a non-superuser saves
    only rows of their own organisation (a default is in no one's organisation)."""

    @staticmethod
    def _shared_default_of_other(request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.organisation_id is None and not request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._shared_default_of_other(request, obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._shared_default_of_other(request, obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        super().save_model(request, obj, form, change)  # type: ignore[misc]


class ReferenceDataScopeMixin:
    """Reference data (facilities, sections, authorities) is shared by all organisations: every user sees it."""

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset if request.user.is_authenticated else queryset.none()


class NonOverlappingPeriodsFormSet(BaseInlineFormSet):
    """Inline rows that are dated periods [start, end) of one parent must not overlap each other.

    The model's clean() checks a row against the saved rows; this checks the rows of one submission
    among themselves (two new open periods would otherwise hit a database constraint). A period may
    start on the day another ends (a move on that day).
    """

    start_field = "start_date"
    end_field = "end_date"
    overlap_message = _("This period overlaps another period of the same record.")

    def clean(self) -> None:
        super().clean()
        seen: list[tuple[date, date]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or (form.instance._state.adding and not form.has_changed()):
                continue
            start, end = data.get(self.start_field), data.get(self.end_field) or date.max
            if start is None:
                continue
            if any(start < other_end and other_start < end for other_start, other_end in seen):
                form.add_error(self.start_field, self.overlap_message)
            seen.append((start, end))


# --- Inlines ---------------------------------------------------------------------------------------


class ScopedInlineMixin(ScopedAdminMixin):
    """Scope, choice narrowing and L3 hiding for inlines, plus a hook to save new rows through a service."""

    # select_related() of the inline's rows (list_select_related does not apply to inlines).
    inline_select_related: ClassVar[tuple[str, ...]] = ()
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The parent too: the formset only sets the rows' foreign-key id, and each row's str() and
        # audit event would otherwise load the parent again.
        return super().get_queryset(request).select_related(self.parent_link_name(), *self.inline_select_related)

    def parent_link_name(self) -> str:
        if self.fk_name:
            return self.fk_name
        return next(f.name for f in self.model._meta.fields if f.is_relation and f.related_model is self.parent_model)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # A fresh class per call: AuditedModelAdmin.save_formset finds the inline through it.
        formset.admin_inline = self
        return formset

    def save_new_object(self, request: HttpRequest, *, parent: models.Model, obj: models.Model, form: Any) -> None:
        """Save a row added in this inline; override to go through a service."""
        self._save_and_record(request, obj)

    def save_changed_object(self, request: HttpRequest, *, obj: models.Model) -> None:
        """Save an edited row of this inline; override to go through a service."""
        self._save_and_record(request, obj)

    def delete_object(self, request: HttpRequest, *, obj: models.Model) -> None:
        """Delete a row ticked for deletion in this inline; override to go through a service."""
        audit.record(actor=request.user, action=admin_action(type(obj), "deleted"), target=obj)
        obj.delete()

    def _save_and_record(self, request: HttpRequest, obj: models.Model) -> None:
        obj.save()
        audit.record(actor=request.user, action=admin_action(type(obj), "saved"), target=obj)


class ReadOnlyInlineMixin(ReadOnlyMixin):
    """An inline of append-only rows: shown, never added, changed or deleted."""

    extra = 0
    max_num = 0
    can_delete = False


class RecordedByAdminMixin:
    """The admin of records that keep who recorded them (`recorded_by`): a record added here is the user's.

    Their forms end with `footer` (who recorded the record, and when), read-only.
    """

    footer = ("recorded_by", ("public_id", "created_at", "updated_at"))
    readonly_fields = ("recorded_by", "public_id", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)  # type: ignore[misc]


def adopt(target: models.Model, source: models.Model) -> None:
    """Make the unsaved admin instance `target` the row that a service created as `source`.

    The admin goes on with `target` (inlines, log entry, redirect), so it must carry the new pk.
    """
    for field in type(source)._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db

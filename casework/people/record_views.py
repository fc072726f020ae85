"""Caseworker pages for the records attached to a person: list, add, edit (optimistic concurrency), remove.

Each kind of record (aliases, nationality claims, documents, family links, custody, DNA tests, and
screenings from their own app) is described by a `RecordKind`; the same small views serve them all.
Rights: the model's view permission to list, add to add, change to edit and remove. Kinds marked
`l3_page` exist only for users with the sensitive-data permission (404 for anyone else), and
every page that shows L3 fields records the reading.
"""

import contextlib
from datetime import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.core import access, audit
from casework.core.editing import conflict_rows, display_value, rebased_data
from casework.core.exceptions import DomainError
from casework.core.files import private_file_response
from casework.core.forms import formsets_with_errors
from casework.core.sensitivity import can_view_sensitive, hidden_fields_for, log_sensitive_read, sensitive_fields
from casework.core.views import permission_required
from casework.people import selectors, services
from casework.people.filters import PICKER_LIMIT, picker_candidates
from casework.people.forms import AliasRowFormSet, FamilyLinkForm, NationalityClaimTransitionForm, PersonRecordForm
from casework.people.models import Alias, Person
from casework.people.records import ALIASES, CLAIMS, DOCUMENTS, FAMILY, RecordKind

# --- Helpers --------------------------------------------------------------------------------------


def _scoped_person(request: HttpRequest, kind: RecordKind, public_id: UUID, action: str) -> Person:
    """The person, if the user holds the capability (else 403) and may see the person and the kind (else 404)."""
    if not request.user.has_perm(kind.perm(action)):
        raise PermissionDenied
    if kind.l3_page and not can_view_sensitive(request.user):
        raise Http404
    return get_object_or_404(Person.objects.visible_to(request.user), public_id=public_id)


def _scoped_record(request: HttpRequest, kind: RecordKind, person: Person, record_id: UUID) -> Any:
    return kind.model.objects.visible_to(request.user).filter(person=person, public_id=record_id).first()


def _scoped_record_or_404(
    request: HttpRequest, kind: RecordKind, public_id: UUID, record_id: UUID, action: str
) -> tuple[Person, Any]:
    """The person (as `_scoped_person`) and their record `record_id` of `kind`; 404 if the user cannot see it."""
    person = _scoped_person(request, kind, public_id, action)
    record = _scoped_record(request, kind, person, record_id)
    if record is None:
        raise Http404
    return person, record


def _apply_errors(form: forms.BaseForm, exc: Exception) -> None:
    """Show a service's refusal on the form: model errors on their fields, domain errors on the whole form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def _require_visible_relative(request: HttpRequest, kind: RecordKind, record: Any) -> None:
    """404 for a family link whose relative the user cannot see: its inverse is a record of that relative."""
    if kind is FAMILY and not Person.objects.visible_to(request.user).filter(pk=record.relative_id).exists():
        raise Http404


def _visible_columns(kind: RecordKind, user: Any) -> list[tuple[str, Any]]:
    hidden = hidden_fields_for(user, kind.model)
    return [(name, kind.model._meta.get_field(name).verbose_name) for name in kind.columns if name not in hidden]


def _picker(request: HttpRequest, person: Person | None, data: Any) -> dict[str, Any]:
    """Persons matching the search `q` among those the user can see (the person themself left out)."""
    query = (data.get("q") or "").strip()
    results = picker_candidates(
        user=request.user,
        query=query,
        organisation_id=person.organisation_id if person is not None else None,
        exclude_pks=[person.pk] if person is not None else (),
    )
    access.note_search(request, persons=results, search=query)
    chosen = data.get("relative")
    if chosen and not any(str(p.public_id) == chosen for p in results):
        with contextlib.suppress(ValueError):
            results += list(Person.objects.visible_to(request.user).filter(public_id=UUID(chosen)))
    return {"query": query, "candidates": results, "picker_limit": PICKER_LIMIT}


# --- Views ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("people.view_person")
def record_list(request: HttpRequest, public_id: UUID, kind: RecordKind) -> HttpResponse:
    """The person's records of one kind, with the add form; POST adds a record."""
    person = _scoped_person(request, kind, public_id, "view")
    access.note(request, kind=access.Kind.PERSON_PAGE, persons=[person])
    user = request.user
    can_add = user.has_perm(kind.perm("add")) and kind.add_form is not None
    form = None
    picker: dict[str, Any] = {}
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if kind.name == "family":
            picker = _picker(request, person, request.POST)
        form = _build_add_form(kind, request, person, picker, request.POST, request.FILES)
        if request.POST.get("action") == "search":
            form = _build_add_form(kind, request, person, picker, None, None, initial=request.POST)
        elif form.is_valid():
            try:
                record = _add(kind, person=person, form=form, actor=user)
            except (DomainError, ValidationError) as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("%(kind)s added.") % {"kind": record._meta.verbose_name.capitalize()})
                return redirect(kind.url("list", person.public_id))
    elif can_add:
        # The search is posted (`action=search`), never read from the URL: names typed into it would
        # end up in access logs and browser history.
        if kind.name == "family":
            picker = _picker(request, person, {})
        form = _build_add_form(kind, request, person, picker, None, None)
    rows = list(kind.queryset(person))
    for row in rows:
        row.person = person  # already loaded: the audit of L3 reads needs it, without a query per row
    if can_view_sensitive(user) and sensitive_fields(kind.model):
        log_sensitive_read(user=user, objects=rows, context=f"{kind.name}_list")
    columns = _visible_columns(kind, user)
    visible_relatives: set[int] = set()
    if kind.name == "family" and rows:
        visible_relatives = set(
            Person.objects.visible_to(user)
            .filter(pk__in=[row.relative_id for row in rows])
            .values_list("pk", flat=True)
        )
    can_change = user.has_perm(kind.perm("change")) and kind.edit_form is not None
    context = {
        "person": person,
        "kind": kind,
        "columns": columns,
        "rows": [
            {
                "record": row,
                "cells": [_cell(row, name, visible_relatives) for name, _label in columns],
                "edit_url": kind.url("update", person.public_id, row.public_id),
                "remove_url": kind.url("remove", person.public_id, row.public_id),
                "file_url": _file_url(kind, person, row),
                "transition_form": NationalityClaimTransitionForm(claim=row) if kind.name == "claim" else None,
                # A family link is mirrored on the relative: only users who see the relative may change it.
                "can_change": can_change and (kind is not FAMILY or row.relative_id in visible_relatives),
            }
            for row in rows
        ],
        "form": form,
        "can_add": can_add,
        "can_change": can_change,
        "can_remove": can_change,
        **picker,
    }
    return render(request, "people/person_records.html", context)


def _cell(row: Any, name: str, visible_relatives: set[int]) -> str:
    if name == "relative":
        # Assigned-only users may not open every relative: no name for those.
        if row.relative_id not in visible_relatives:
            return _("a person outside your caseload")
        return f"{row.relative.case_number} {row.relative.display_name}"
    return display_value(row, name)


def _file_url(kind: RecordKind, person: Person, row: Any) -> str:
    if kind.file_field and getattr(row, kind.file_field):
        return kind.url("file", person.public_id, row.public_id)
    return ""


def _build_add_form(
    kind: RecordKind,
    request: HttpRequest,
    person: Person,
    picker: dict[str, Any],
    data: Any,
    files: Any,
    initial: Any = None,
) -> forms.BaseForm:
    if kind.add_form is FamilyLinkForm:
        initial_data = {key: initial.get(key) for key in ("relation", "relative", "notes")} if initial else None
        return FamilyLinkForm(
            data, user=request.user, candidates=picker.get("candidates", []), person=person, initial=initial_data
        )
    if issubclass(kind.add_form, PersonRecordForm):
        return kind.add_form(data, files, user=request.user, instance=kind.model(person=person))
    return kind.add_form(data, files, user=request.user)


def _add(kind: RecordKind, *, person: Person, form: forms.BaseForm, actor: Any) -> Any:
    if kind.add is not None:
        return kind.add(person=person, form=form, actor=actor)
    return services.person_record_add(person=person, record=form.instance, actor=actor)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("people.view_person")
def record_update(request: HttpRequest, public_id: UUID, record_id: UUID, kind: RecordKind) -> HttpResponse:
    """Edit one record, with optimistic concurrency like the person's own edit page.

    If someone else saved the record since the form was built, nothing is saved: the page lists
    what they changed (current values; L3 fields only for permitted users) and keeps the user's
    input on top of the current version, so that saving again deliberately replaces their changes.
    """
    person = _scoped_person(request, kind, public_id, "change")
    if kind.edit_form is None:
        raise Http404
    record = _scoped_record(request, kind, person, record_id)
    if record is None:
        if request.method == "POST":
            messages.error(request, str(services.RecordGoneError()))
            return redirect(kind.url("list", person.public_id))
        raise Http404
    _require_visible_relative(request, kind, record)
    if request.method == "GET":
        return _render_edit(request, kind, person, record, kind.edit_form(instance=record, user=request.user))
    form = kind.edit_form(request.POST, request.FILES, instance=record, user=request.user)
    if not form.is_valid():
        return _render_edit(request, kind, person, record, form)
    expected: datetime = form.cleaned_data["version"]
    try:
        kind.update(**{kind.instance_arg: form.instance, "actor": request.user, "expected_updated_at": expected})
    except services.ConcurrentEditError as exc:
        return _render_conflict(request, kind, person, record_id, form, expected, exc.changed_fields)
    except services.RecordGoneError as exc:
        messages.error(request, str(exc))
        return redirect(kind.url("list", person.public_id))
    except (DomainError, ValidationError) as exc:
        _apply_errors(form, exc)
        return _render_edit(request, kind, person, record, form)
    messages.success(request, _("Changes saved."))
    return redirect(kind.url("list", person.public_id))


def _render_conflict(
    request: HttpRequest,
    kind: RecordKind,
    person: Person,
    record_id: UUID,
    form: PersonRecordForm,
    expected: datetime,
    reported: list[str],
) -> HttpResponse:
    current = _scoped_record(request, kind, person, record_id)
    if current is None:
        messages.error(request, str(services.RecordGoneError()))
        return redirect(kind.url("list", person.public_id))
    changed = selectors.record_changes_since(record=current, updated_at=expected)
    if changed is None:
        changed = reported
    conflicts = conflict_rows(current, changed, user=request.user)
    form = kind.edit_form(rebased_data(form.data, current), instance=current, user=request.user)
    form.is_valid()
    return _render_edit(request, kind, person, current, form, status=409, conflict=True, conflicts=conflicts)


def _render_edit(
    request: HttpRequest,
    kind: RecordKind,
    person: Person,
    record: Any,
    form: PersonRecordForm,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    # A family link names its relative too (whom the user may see: `_require_visible_relative`).
    relatives = [record.relative_id] if kind is FAMILY else []
    access.note(request, kind=access.Kind.PERSON_PAGE, persons=[person, *relatives])
    if can_view_sensitive(request.user) and sensitive_fields(kind.model):
        log_sensitive_read(user=request.user, objects=[record], context=f"{kind.name}_update")
    context = {
        "person": person,
        "kind": kind,
        "record": record,
        "form": form,
        "file_url": _file_url(kind, person, record),
        "list_url": kind.url("list", person.public_id),
        "record_label": record._meta.verbose_name,
        **context,
    }
    return render(request, "people/person_record_form.html", context, status=status)


@require_POST
@permission_required("people.view_person")
def record_remove(request: HttpRequest, public_id: UUID, record_id: UUID, kind: RecordKind) -> HttpResponse:
    """Remove one record; refused with a message if someone else changed it since the page was shown."""
    person = _scoped_person(request, kind, public_id, "change")
    if kind.edit_form is None:
        raise Http404
    record = _scoped_record(request, kind, person, record_id)
    if record is None:
        messages.error(request, str(services.RecordGoneError()))
        return redirect(kind.url("list", person.public_id))
    _require_visible_relative(request, kind, record)
    try:
        expected = datetime.fromisoformat(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The form is out of date. Open the page again."))
        return redirect(kind.url("list", person.public_id))
    try:
        kind.remove(**{kind.instance_arg: record, "actor": request.user, "expected_updated_at": expected})
    except services.ConcurrentEditError:
        messages.error(
            request, _("Someone else changed this record after you opened the page. Check it and remove it again.")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(kind)s removed.") % {"kind": record._meta.verbose_name.capitalize()})
    return redirect(kind.url("list", person.public_id))


@require_POST
@permission_required("people.view_person")
def nationality_claim_transition(request: HttpRequest, public_id: UUID, record_id: UUID) -> HttpResponse:
    """Move a nationality claim to another status through the claim's TRANSITIONS."""
    person, claim = _scoped_record_or_404(request, CLAIMS, public_id, record_id, "change")
    form = NationalityClaimTransitionForm(request.POST, claim=claim)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    else:
        try:
            claim = services.nationality_claim_transition(
                claim=claim, to=form.cleaned_data["to"], actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Claim status changed to “%(status)s”.") % {"status": claim.get_status_display()}
            )
    return redirect(CLAIMS.url("list", person.public_id))


@require_safe
@permission_required("people.view_person")
def identity_document_file(request: HttpRequest, public_id: UUID, record_id: UUID) -> FileResponse:
    """The copy of an identity document, as a download under an opaque name; each download is audited."""
    person, document = _scoped_record_or_404(request, DOCUMENTS, public_id, record_id, "view")
    if not document.file:
        raise Http404
    audit.record(actor=request.user, action="people.identitydocument.file_downloaded", target=document)
    access.note(request, kind=access.Kind.DOCUMENT, persons=[person])
    return private_file_response(document.file)


ALIAS_FIELDS = ("kind", "name", "script", "armed_group_link")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("people.view_person")
def alias_formset(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The person's other names as one formset: edit, remove (tick) and add rows, saved all or nothing.

    Each recorded row carries its version; if someone else changed or removed one of them since the
    page was shown, nothing is saved and the page lists their changes above the user's kept input.
    """
    person = _scoped_person(request, ALIASES, public_id, "view")
    access.note(request, kind=access.Kind.PERSON_PAGE, persons=[person])
    user = request.user
    can_change = user.has_perm(ALIASES.perm("change")) and user.has_perm(ALIASES.perm("add"))
    aliases = _aliases_of(person)
    context: dict[str, Any] = {"person": person, "kind": ALIASES, "aliases": aliases, "can_change": can_change}
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        formset = AliasRowFormSet(request.POST, prefix="aliases", form_kwargs={"user": user})
        if formset.is_valid():
            try:
                services.person_aliases_save(person=person, actor=user, rows=_alias_rows(formset, aliases))
            except (services.ConcurrentEditError, services.RecordGoneError):
                formset, conflicts = _alias_conflicts(request, person, formset)
                context.update(conflict=True, conflicts=conflicts, aliases=_aliases_of(person))
                status = 409
            except (DomainError, ValidationError) as exc:
                messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                formset._non_form_errors = formset.error_class(messages_)
            else:
                messages.success(request, _("Other names saved."))
                return redirect(ALIASES.url("list", person.public_id))
    elif can_change:
        formset = AliasRowFormSet(
            initial=[_alias_initial(alias) for alias in aliases], prefix="aliases", form_kwargs={"user": user}
        )
    else:
        formset = None
    if can_view_sensitive(user):
        log_sensitive_read(user=user, objects=context["aliases"], context="alias_list")
    context["formset"] = formset
    context["summary_formsets"] = formsets_with_errors(("alias-form", _("Other names"), formset))
    return render(request, "people/alias_formset.html", context, status=status)


def _aliases_of(person: Person) -> list[Alias]:
    aliases = list(Alias.objects.filter(person=person))
    for alias in aliases:
        alias.person = person  # already loaded: the audit of L3 reads needs it, without a query per row
    return aliases


def _alias_initial(alias: Alias) -> dict[str, Any]:
    return {
        "id": alias.public_id,
        "version": alias.updated_at.isoformat(),
        **{n: getattr(alias, n) for n in ALIAS_FIELDS},
    }


def _alias_rows(formset: Any, aliases: list[Alias]) -> list[dict[str, Any]]:
    """The formset's filled rows as `services.person_aliases_save` takes them."""
    by_id = {alias.public_id: alias for alias in aliases}
    rows = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        data = form.cleaned_data
        alias = None
        if data.get("id"):
            alias = by_id.get(data["id"])
            if alias is None:  # removed since the page was shown (or never this person's)
                raise services.RecordGoneError
        delete = bool(data.get("DELETE"))
        if delete and alias is None:
            continue  # a new row ticked for deletion: nothing to do
        rows.append(
            {
                "alias": alias,
                "version": data.get("version"),
                "delete": delete,
                # A row ticked for deletion is not validated: its other fields may be missing.
                "fields": {} if delete else {name: data[name] for name in ALIAS_FIELDS if name in form.fields},
            }
        )
    return rows


def _alias_conflicts(request: HttpRequest, person: Person, formset: Any) -> tuple[Any, list[tuple[str, list]]]:
    """What others changed in the posted aliases, and the formset rebound to the current versions."""
    current = {alias.public_id: alias for alias in Alias.objects.filter(person=person)}
    conflicts: list[tuple[str, list]] = []
    data = request.POST.copy()
    for index, form in enumerate(formset.forms):
        alias_id = form.cleaned_data.get("id")
        if not alias_id:
            continue
        alias = current.get(alias_id)
        if alias is None:
            conflicts.append((_("A name you had on the page"), [(_("removed"), "")]))
            data[f"aliases-{index}-id"] = ""
            data[f"aliases-{index}-version"] = ""
            continue
        if alias.updated_at != form.cleaned_data.get("version"):
            changed = selectors.record_changes_since(record=alias, updated_at=form.cleaned_data["version"]) or []
            conflicts.append((alias.name, conflict_rows(alias, changed, user=request.user)))
        data[f"aliases-{index}-version"] = alias.updated_at.isoformat()
    rebound = AliasRowFormSet(data, prefix="aliases", form_kwargs={"user": request.user})
    rebound.is_valid()
    return rebound, conflicts


def record_urls(kind: RecordKind, segment: str) -> list[URLPattern]:
    """The pages of one kind of record of a person: `<segment>/` (list and add), `<segment>/<id>/` (edit)
    and `<segment>/<id>/remove/`, named `<kind>_list`, `<kind>_update` and `<kind>_remove`."""
    return [
        path(f"<uuid:public_id>/{segment}/", record_list, {"kind": kind}, name=f"{kind.name}_list"),
        path(
            f"<uuid:public_id>/{segment}/<uuid:record_id>/", record_update, {"kind": kind}, name=f"{kind.name}_update"
        ),
        path(
            f"<uuid:public_id>/{segment}/<uuid:record_id>/remove/",
            record_remove,
            {"kind": kind},
            name=f"{kind.name}_remove",
        ),
    ]

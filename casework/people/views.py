"""Caseworker pages about persons: the list (with its CSV export), the detail page, intake, edit and status moves."""

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST, require_safe
from django_countries import countries
from django_filters.views import FilterView

from casework.core import access, audit
from casework.core.editing import conflict_rows, rebased_data
from casework.core.exceptions import DomainError
from casework.core.files import private_file_response
from casework.core.forms import formsets_with_errors, uuids_in
from casework.core.pagination import KeysetPaginator
from casework.core.sensitivity import SENSITIVE_READ, can_view_sensitive, log_sensitive_read
from casework.core.spreadsheets import neutralise_cell
from casework.core.views import HtmxTableMixin, filter_rows, permission_required
from casework.people import selectors, services
from casework.people.filters import PersonFilterSet, picker_candidates
from casework.people.forms import (
    AliasFormSet,
    FamilyLinkFormSet,
    NationalityClaimFormSet,
    PersonCreateForm,
    PersonTransitionForm,
    PersonUpdateForm,
)
from casework.people.models import Person
from casework.people.services import ConcurrentEditError

PER_PAGE = 25
# The list counts at most this many persons and shows "1,000+" beyond (an exact COUNT over a large
# caseload costs more than the page itself: 17–40 ms at 100,000 persons, docs/benchmarks.md).
COUNT_CAP = 1_000
VIEW_PERSON_PERMISSION = "people.view_person"
TRANSITION_PERSON_PERMISSION = "people.transition_person"


# Columns of the list: (sort key or "" when not sortable, header).
PERSON_COLUMNS = [
    ("case_number", gettext_lazy("Case number")),
    ("name", gettext_lazy("Name")),
    ("", gettext_lazy("Sex")),
    ("age", gettext_lazy("Age")),
    ("", gettext_lazy("Nationality")),
    ("status", gettext_lazy("Status")),
    ("", gettext_lazy("Location")),
    ("", gettext_lazy("Assigned caseworker")),
    ("updated", gettext_lazy("Updated")),
]


def _columns(sort: str) -> list[dict[str, Any]]:
    """Headers with the sort each header link sets (clicking the sorted column reverses it)."""
    columns = []
    for key, label in PERSON_COLUMNS:
        aria_sort = ""
        next_sort = key
        if key and sort == key:
            aria_sort, next_sort = "ascending", f"-{key}"
        elif key and sort == f"-{key}":
            aria_sort = "descending"
        columns.append({"label": label, "next_sort": next_sort, "aria_sort": aria_sort})
    return columns


def _sort_from(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in selectors.PERSON_SORTS else selectors.DEFAULT_PERSON_SORT


def _filtered_persons(request: HttpRequest) -> tuple[PersonFilterSet, QuerySet[Person]]:
    """The filter set bound to the query string, and the user's persons it selects."""
    return filter_rows(PersonFilterSet, request, selectors.person_list_base(user=request.user))


class PersonListView(HtmxTableMixin, PermissionRequiredMixin, FilterView):
    """The caseload: filters in the URL, sortable columns, a count and keyset pagination.

    An htmx request gets only the table partial (`people/_person_table.html`).
    """

    template_name = "people/person_list.html"
    partial_template_name = "people/_person_table.html"
    filterset_class = PersonFilterSet
    permission_required = VIEW_PERSON_PERMISSION

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list_base(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filterset, queryset = _filtered_persons(request)
        matches = getattr(self.filterset, "name_matches", {})
        base = selectors.person_list_base(user=request.user)
        if matches and request.GET.get("sort", "") in ("", selectors.MATCH_SORT):
            # A name search is sorted by the matcher's score unless the user picks a column.
            sort, ordering = selectors.MATCH_SORT, ("match_rank", "id")
            queryset = selectors.with_match_rank(queryset, list(matches))
            base = selectors.with_match_rank(base, list(matches))
        else:
            sort = _sort_from(request)
            ordering = selectors.PERSON_SORTS[sort]
        paginator = KeysetPaginator(selectors.person_list_rows(queryset), ordering, PER_PAGE, boundary_queryset=base)
        page = paginator.page(request.GET.get("cursor"))
        for person in page.object_list:
            person.match = matches.get(person.pk)  # why the row matched a name search (None otherwise)
        # Counts at most COUNT_CAP + 1 rows (a LIMIT in a subquery): exact up to the cap, "1,000+" beyond.
        total = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        total_capped = total > COUNT_CAP
        context = self.get_context_data(
            filter=self.filterset,
            object_list=page.object_list,
            page=page,
            total=min(total, COUNT_CAP),
            total_capped=total_capped,
            sort=sort,
            columns=_columns(sort),
            can_view_sensitive=can_view_sensitive(request.user),
            can_export=request.user.has_perm(VIEW_PERSON_PERMISSION),
            can_add=request.user.has_perm("people.add_person"),
        )
        access.note_list(request, model=Person, persons=page.object_list, search=request.GET.get("q", ""))
        return self.render_to_response(context)


# --- CSV export ---------------------------------------------------------------------------------

# The L3 fields in an export for users who hold the permission (audit data names them).
SENSITIVE_EXPORT_FIELDS = [
    "person.medical_urgent",
    "person.has_medical_condition",
    "person.has_disability",
    "custodyperiod.exact_location",
]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _export_columns(sensitive: bool) -> list[tuple[str, Any]]:
    """(header, value of a person) for each column; the L3 columns only when `sensitive`."""
    columns: list[tuple[str, Any]] = [
        (_("Case number"), lambda p: p.case_number),
        (_("Status"), lambda p: p.get_status_display()),
        (_("Given name (Latin)"), lambda p: p.given_name_lat),
        (_("Father's name (Latin)"), lambda p: p.father_name_lat),
        (_("Grandfather's name (Latin)"), lambda p: p.grandfather_name_lat),
        (_("Family name (Latin)"), lambda p: p.family_name_lat),
        (_("Given name (Arabic)"), lambda p: p.given_name_ar),
        (_("Father's name (Arabic)"), lambda p: p.father_name_ar),
        (_("Grandfather's name (Arabic)"), lambda p: p.grandfather_name_ar),
        (_("Family name (Arabic)"), lambda p: p.family_name_ar),
        (_("Sex"), lambda p: p.get_sex_display()),
        (_("Date of birth"), lambda p: p.birth_date.isoformat() if p.birth_date else ""),
        (_("Precision of date of birth"), lambda p: p.get_birth_date_precision_display()),
        (_("Age"), lambda p: p.age if p.age is not None else ""),
        (_("Nationality"), lambda p: countries.name(p.primary_nationality) if p.primary_nationality else ""),
        (_("Facility"), lambda p: p.current_facility or ""),
        (_("Section"), lambda p: p.current_section or ""),
        (_("Assigned caseworker"), lambda p: p.assigned_to.get_username() if p.assigned_to else ""),
        (_("Accompanied or not"), lambda p: p.get_separation_status_display()),
        (_("Whereabouts unknown"), lambda p: _("yes") if p.whereabouts_unknown else _("no")),
        (_("Updated"), lambda p: timezone.localtime(p.updated_at).isoformat(timespec="seconds")),
    ]
    if sensitive:
        columns += [
            (_("Urgent medical case"), lambda p: _("yes") if p.medical_urgent else _("no")),
            (_("Medical condition"), lambda p: _("yes") if p.has_medical_condition else _("no")),
            (_("Disability"), lambda p: _("yes") if p.has_disability else _("no")),
            (_("Exact location (block, tent)"), lambda p: p.current_exact_location or ""),
        ]
    return columns


@require_safe
@permission_required(VIEW_PERSON_PERMISSION)
def person_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered list as CSV (streamed), in the list's order, with only the fields the user may see.

    With the L3 columns (for holders of the permission) the reader first says why (`purpose`, one of a
    fixed list): the page asks, and the read log and the audit event keep the answer.
    """
    sensitive = can_view_sensitive(request.user)
    purpose = access.asked_purpose(request)
    if sensitive and not purpose:
        kept = [(key, value) for key, values in request.GET.lists() if key != "purpose" for value in values]
        return render(request, "people/export_purpose.html", {"kept": kept, "purposes": access.Purpose.choices})
    filterset, queryset = _filtered_persons(request)
    sort = _sort_from(request)
    rows = selectors.person_list_rows(queryset).order_by(*selectors.PERSON_SORTS[sort])
    if sensitive:
        rows = rows.annotate(current_exact_location=selectors.current_custody_value("exact_location"))
    columns = _export_columns(sensitive)
    # Filter keys only: the values may be names typed into the search box.
    used_filters = sorted(key for key in filterset.filters if request.GET.get(key))
    count = queryset.count()
    access.note(
        request,
        kind=access.Kind.EXPORT,
        persons=queryset.values_list("pk", flat=True),
        search=request.GET.get("q", ""),
        filters=access.sensitive_filters(Person, request.GET),
        purpose=purpose,
    )
    audit.record(
        actor=request.user,
        action="people.person.exported",
        data={"count": count, "filters": used_filters, "sort": sort, "sensitive": sensitive},
    )
    if sensitive:
        audit.record(
            actor=request.user,
            action=SENSITIVE_READ,
            data={
                "context": "person_export",
                "purpose": purpose,
                "fields": SENSITIVE_EXPORT_FIELDS,
                "persons": [str(public_id) for public_id in queryset.values_list("public_id", flat=True)],
            },
        )

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        # A byte-order mark so that spreadsheet programs read the Arabic names as UTF-8.
        yield "\ufeff" + writer.writerow([header for header, _value in columns])
        for person in rows.iterator(chunk_size=2000):
            yield writer.writerow([neutralise_cell(value(person)) for _header, value in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="persons-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Intake, edit and status transitions --------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


class PersonCreateView(PermissionRequiredMixin, View):
    """Register a person, with aliases and nationality claims, after a check for possible duplicates.

    When persons who might be the same are found, the form comes back with them listed and is only
    saved once the user confirms "this is a new person" for exactly those candidates.
    """

    permission_required = "people.add_person"
    raise_exception = True
    template_name = "people/person_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(
            form=PersonCreateForm(user=request.user),
            alias_formset=AliasFormSet(prefix="aliases"),
            claim_formset=NationalityClaimFormSet(prefix="claims"),
            family_formset=self.family_formset(None),
        )

    def family_formset(self, data: Any) -> Any:
        """Family links to existing persons; each row offers the persons found by the family search."""
        query = ((data or {}).get("family_q") or "").strip()
        candidates = picker_candidates(user=self.request.user, query=query)
        access.note_search(self.request, persons=candidates, search=query)
        chosen = uuids_in(
            value for key, value in (data or {}).items() if key.startswith("family-") and key.endswith("-relative")
        )
        known = {person.public_id for person in candidates}
        candidates += [
            person
            for person in Person.objects.visible_to(self.request.user).filter(public_id__in=chosen)
            if person.public_id not in known
        ]
        self.family_query = query
        return FamilyLinkFormSet(
            data, prefix="family", form_kwargs={"user": self.request.user, "candidates": candidates}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonCreateForm(request.POST, user=request.user, instance=Person())
        alias_formset = AliasFormSet(request.POST, prefix="aliases")
        claim_formset = NationalityClaimFormSet(request.POST, prefix="claims")
        family_formset = self.family_formset(request.POST)
        if request.POST.get("action") == "family_search":
            # Only the search of relatives: shown again, nothing validated or saved.
            return self.render(
                form=PersonCreateForm(user=request.user, initial=request.POST.dict()),
                alias_formset=AliasFormSet(request.POST, prefix="aliases"),
                claim_formset=claim_formset,
                family_formset=family_formset,
                unvalidated=True,
            )
        forms_valid = form.is_valid()
        formsets_valid = all(fs.is_valid() for fs in (alias_formset, claim_formset, family_formset))
        if not (forms_valid and formsets_valid):
            return self.render(
                form=form, alias_formset=alias_formset, claim_formset=claim_formset, family_formset=family_formset
            )
        person: Person = form.instance
        aliases = alias_formset.entries()
        candidates = selectors.possible_duplicates(
            user=request.user, person=person, other_names=[alias["name"] for alias in aliases]
        )
        candidate_ids = {str(candidate.person.public_id) for candidate in candidates}
        confirmed = form.cleaned_data["confirm_new"] and candidate_ids <= form.cleaned_data["seen_candidates"]
        if candidates and not confirmed:
            # The duplicate check is a search by the names typed (the read log keeps no text of it).
            access.note(request, kind=access.Kind.SEARCH, persons=[candidate.person for candidate in candidates])
            # Shown again with the candidates it is now confirmed against, and the box unticked.
            data = request.POST.copy()
            data["seen_candidates"] = ",".join(sorted(candidate_ids))
            data.pop("confirm_new", None)
            form.data = data
            return self.render(
                form=form,
                alias_formset=alias_formset,
                claim_formset=claim_formset,
                family_formset=family_formset,
                candidates=candidates,
            )
        try:
            person = services.person_register_with_details(
                person=person,
                actor=request.user,
                aliases=aliases,
                claims=claim_formset.entries(),
                family_links=family_formset.entries(),
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            return self.render(
                form=form, alias_formset=alias_formset, claim_formset=claim_formset, family_formset=family_formset
            )
        messages.success(request, _("Case %(case_number)s registered.") % {"case_number": person.case_number})
        return redirect(person)

    def render(self, **context: Any) -> HttpResponse:
        context.setdefault("candidates", [])
        context.setdefault("family_query", getattr(self, "family_query", ""))
        if not context.get("unvalidated"):
            # Errors of the formset rows are listed in the error summary too, each linked to its field.
            context["summary_formsets"] = formsets_with_errors(
                ("aliases", _("Other names"), context["alias_formset"]),
                ("nationality-claims", _("Nationality claims"), context["claim_formset"]),
                ("family-links", _("Family links"), context["family_formset"]),
            )
        return render(self.request, self.template_name, {"is_create": True, **context})


class PersonUpdateView(PermissionRequiredMixin, View):
    """Edit the person's own fields with optimistic concurrency.

    The form carries the `updated_at` it was built from. If someone else saved the person since,
    nothing is saved: the page lists what changed (with the current values, L3 fields only for
    users who may read them) and keeps the user's input, now based on the current version, so a
    second submission deliberately replaces those changes.
    """

    permission_required = "people.change_person"
    raise_exception = True
    template_name = "people/person_form.html"

    def get_object(self) -> Person:
        return get_object_or_404(
            Person.objects.visible_to(self.request.user).select_related("assigned_to"),
            public_id=self.kwargs["public_id"],
        )

    def get(self, request: HttpRequest, public_id: UUID) -> HttpResponse:
        person = self.get_object()
        return self.render(person=person, form=PersonUpdateForm(instance=person, user=request.user))

    def post(self, request: HttpRequest, public_id: UUID) -> HttpResponse:
        person = self.get_object()
        form = PersonUpdateForm(request.POST, request.FILES, instance=person, user=request.user)
        if not form.is_valid():
            return self.render(person=person, form=form)
        expected = form.cleaned_data["version"]
        try:
            person = services.person_update(person=form.instance, actor=request.user, expected_updated_at=expected)
        except ConcurrentEditError as exc:
            return self.render_conflict(form=form, expected=expected, reported=exc.changed_fields)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.render(person=person, form=form)
        messages.success(request, _("Changes saved."))
        return redirect(person)

    def render_conflict(self, *, form: PersonUpdateForm, expected: datetime, reported: list[str]) -> HttpResponse:
        current = self.get_object()
        changed = selectors.person_changes_since(person=current, updated_at=expected)
        if changed is None:
            changed = reported
        conflicts = conflict_rows(current, changed, user=self.request.user)
        form = PersonUpdateForm(rebased_data(form.data, current), instance=current, user=self.request.user)
        form.is_valid()
        return self.render(person=current, form=form, conflicts=conflicts, conflict=True, status=409)

    def render(self, *, person: Person, form: PersonUpdateForm, status: int = 200, **context: Any) -> HttpResponse:
        access.note(self.request, kind=access.Kind.PERSON_PAGE, persons=[person])
        if form.sensitive:
            log_sensitive_read(user=self.request.user, objects=[person], context="person_update")
        context = {"is_create": False, "person": person, "form": form, **context}
        return render(self.request, self.template_name, context, status=status)


def transition_context(*, person: Person, user: Any, form: PersonTransitionForm | None = None) -> dict[str, Any]:
    """What the status panel of a person shows: the status, and the transition form if the user may move it."""
    can_transition = user.has_perm(TRANSITION_PERSON_PERMISSION) and bool(person.allowed_transitions())
    if can_transition and form is None:
        form = PersonTransitionForm(person=person)
    return {"person": person, "can_transition": can_transition, "transition_form": form}


@require_POST
@permission_required(TRANSITION_PERSON_PERMISSION)
def person_transition(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Move the case to another status. Without JavaScript: redirect to the person; with htmx: the status panel."""
    person = get_object_or_404(Person.objects.visible_to(request.user), public_id=public_id)
    form = PersonTransitionForm(request.POST, person=person)
    error = ""
    if form.is_valid():
        try:
            person = services.person_transition(
                person=person,
                to=form.cleaned_data["to"],
                actor=request.user,
                note=form.cleaned_data["note"],
                closure_reason=form.cleaned_data.get("closure_reason", ""),
            )
        except DomainError as exc:
            error = str(exc)
        else:
            form = None
    else:
        error = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    if _is_htmx(request):
        context = transition_context(person=person, user=request.user, form=form)
        context.update(transition_error=error, transition_done=not error, oob=True)
        return render(request, "people/_status_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Case status changed to “%(status)s”.") % {"status": person.get_status_display()})
    return redirect(f"{person.get_absolute_url()}#status")


PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@require_safe
@permission_required(VIEW_PERSON_PERMISSION)
def person_photo(request: HttpRequest, public_id: UUID) -> FileResponse:
    """The person's photo, only for users who may see the person; never cached by a shared cache."""
    person = get_object_or_404(Person.objects.visible_to(request.user), public_id=public_id)
    if not person.photo:
        raise Http404
    extension = person.photo.name.rsplit(".", 1)[-1].lower()
    content_type = PHOTO_CONTENT_TYPES.get(extension, "application/octet-stream")
    access.note(request, kind=access.Kind.PHOTO, persons=[person])
    return private_file_response(person.photo, as_attachment=False, content_type=content_type)

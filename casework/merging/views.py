"""Merge pages: choose and preview a merge, confirm it, see a merge and undo it. The work is in `services`."""

from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.core import access
from casework.core.editing import display_value
from casework.core.sensitivity import log_sensitive_read, sensitive_fields
from casework.core.views import permission_required
from casework.merging import relations, services
from casework.merging.forms import MergeForm
from casework.merging.models import PersonMerge
from casework.people.models import Person


def _person(user: Any, source: Any, key: str) -> Person:
    """The live person named by public id in `source[key]` (or, for `b`, by case number in `case`), or 404."""
    persons = Person.objects.visible_to(user)
    value = source.get(key, "")
    if not value and key == "b" and source.get("case"):
        return get_object_or_404(persons, case_number=source["case"].strip())
    try:
        public_id = UUID(value)
    except ValueError as error:
        raise Http404 from error
    return get_object_or_404(persons, public_id=public_id)


def _labelled(tally: dict[str, int]) -> list[tuple[str, int]]:
    """(kind of record, count) for a {model label: count} of a merge summary."""
    return [(str(apps.get_model(label)._meta.verbose_name_plural), n) for label, n in sorted(tally.items())]


def _attached(first: Person, second: Person) -> list[tuple[str, int, int]]:
    """(kind of record, rows of the first, rows of the second) for each relation a merge moves."""
    rows = []
    for relation in relations.moved_relations():
        manager = relation.model._base_manager
        counts = [manager.filter(**{relation.field.name: person.pk}).count() for person in (first, second)]
        if any(counts):
            label = relation.model._meta.verbose_name_plural
            if relation.model is Person:
                label = _("earlier merged records")
            rows.append((str(label), *counts))
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("people.merge_person")
def person_merge(request: HttpRequest) -> HttpResponse:
    """GET ?a=&b=: the two records side by side; POST: preview (dry run), then confirm."""
    source = request.POST if request.method == "POST" else request.GET
    first, second = _person(request.user, source, "a"), _person(request.user, source, "b")
    if first.pk == second.pk:
        raise Http404
    form = MergeForm(request.POST or None, first=first, second=second, user=request.user)
    refusals = services.merge_refusals(first, second)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.merge_arguments()
        try:
            if "confirm" in request.POST:
                record = services.person_merge(actor=request.user, **arguments)
                messages.success(
                    request,
                    _("%(other)s was merged into %(survivor)s.")
                    % {"other": record.merged.case_number, "survivor": record.survivor.case_number},
                )
                return redirect(record.survivor)
            preview = services.person_merge(actor=request.user, dry_run=True, **arguments)
        except services.MergeRefused as refused:
            refusals = refused.reasons
    access.note(request, kind=access.Kind.PERSON_PAGE, persons=[first, second])
    shown = {field.name for field in form.differing}
    if shown & sensitive_fields(Person):
        log_sensitive_read(user=request.user, objects=[first, second], context="person_merge")
    context = {
        "first": first,
        "second": second,
        "form": form,
        "value_rows": [
            (field.verbose_name, display_value(first, field.name), display_value(second, field.name), bound)
            for field, bound in form.value_rows()
        ],
        "attached": _attached(first, second),
        "refusals": refusals,
        "preview": preview,
        "moved": _labelled(preview.summary["moved"]) if preview else [],
        "dropped": _labelled(preview.summary["dropped"]) if preview else [],
    }
    return render(request, "merging/merge.html", context)


def _merge_record(request: HttpRequest, public_id: UUID) -> PersonMerge:
    merges = PersonMerge.objects.visible_to(request.user).select_related("survivor", "merged", "actor", "undone_by")
    return get_object_or_404(merges, public_id=public_id)


@require_safe
@permission_required("people.merge_person")
def merge_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A merge: what it did, and whether it can still be undone (and if not, why)."""
    record = _merge_record(request, public_id)
    # The page names both records (and the aliases the merge added to the survivor).
    access.note(request, kind=access.Kind.LIST, persons=[record.survivor_id, record.merged_id])
    context = {
        "record": record,
        "moved": _labelled(record.summary.get("moved", {})),
        "dropped": _labelled(record.summary.get("dropped", {})),
        "unmerge_refusals": [] if record.undone_at else services.unmerge_refusals(record),
    }
    return render(request, "merging/merge_detail.html", context)


@require_POST
@permission_required("people.merge_person")
def merge_undo(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record = _merge_record(request, public_id)
    try:
        services.person_unmerge(merge=record, actor=request.user)
    except services.MergeRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
        return redirect(record)
    messages.success(
        request,
        _("The merge was undone: %(merged)s and %(survivor)s are separate records again.")
        % {"merged": record.merged.case_number, "survivor": record.survivor.case_number},
    )
    return redirect(record)

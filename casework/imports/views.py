"""Import pages: upload, mapping, dry-run report with progress, duplicate decisions, commit, undo, past imports.

Every page needs `imports.run_import` (checked before any lookup, so a 403 never tells whether a batch
exists) and sees only the batches of the user's organisation (another organisation's batch is a 404).
The uploaded file itself is never served.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.camps.models import Facility
from casework.core import access, audit
from casework.core.exceptions import DomainError
from casework.core.views import permission_required
from casework.imports import cell_values, services, spreadsheets
from casework.imports import mapping as m
from casework.imports.choices import BATCH_STATUS_BADGE, MAPPABLE_STATUSES, BatchStatus, Decision, RowAction
from casework.imports.forms import MappingForm, UploadForm
from casework.imports.models import ImportBatch
from casework.imports.readers import SAMPLE_ROWS, FileRefused, list_sheets, read_table
from casework.people.models import Person
from casework.people.names import normalise_name

RUN = services.RUN_PERMISSION
REPORT_LIMIT = 500
RUNNING = frozenset({BatchStatus.QUEUED, BatchStatus.CHECKING, BatchStatus.COMMITTING, BatchStatus.UNDOING})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch(request: HttpRequest, public_id: UUID) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.visible_to(request.user), public_id=public_id)


def _batch_action(
    request: HttpRequest, public_id: UUID, service: Callable[..., object], success: str = ""
) -> HttpResponse:
    """Run one service on the batch for the user (a refusal becomes an error message), then back to the batch."""
    batch = _batch(request, public_id)
    try:
        service(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if success:
            messages.success(request, success)
    return redirect(batch)


@require_safe
@permission_required(RUN)
def batch_list(request: HttpRequest) -> HttpResponse:
    """The organisation's past imports: who, when, file, counts, state."""
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by")[:200]
    return render(
        request,
        "imports/batch_list.html",
        {"batches": batches, "form": UploadForm(), "badges": BATCH_STATUS_BADGE},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(RUN)
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is checked (type, size, zip bomb) and stored privately, then mapped."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_upload(
                upload=form.cleaned_data["file"],
                actor=request.user,
                source=form.cleaned_data["source"],
                encoding=form.cleaned_data["encoding"],
            )
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    return render(request, "imports/batch_upload.html", {"form": form}, status=400 if form.errors else 200)


def _unknown_values(table: Any, mapping: dict[str, str], facilities: dict[str, Any]) -> dict[str, list[str]]:
    """Per value-mapped field, the distinct values of its column that the import cannot read by itself."""
    unknown: dict[str, list[str]] = {}
    for header, key in mapping.items():
        if (
            key not in ("sex", "separation_status", "facility", "claim_status", "document_type")
            or header not in table.headers
        ):
            continue
        index = table.headers.index(header)
        seen: list[str] = []
        for _number, cells in table.rows:
            value = str(cells[index]).strip() if index < len(cells) else ""
            if not value or value in seen:
                continue
            try:
                if key == "sex":
                    cell_values.parse_sex(value)
                elif key == "separation_status":
                    cell_values.parse_separation(value)
                elif key == "claim_status":
                    cell_values.parse_claim_status(value)
                elif key == "document_type":
                    cell_values.parse_document_type(value)
                elif normalise_name(value) not in facilities:
                    raise cell_values.CellError(value)
            except cell_values.CellError:
                seen.append(value)
            if len(seen) >= 30:
                break
        if seen:
            unknown[key] = seen
    return unknown


def _mapping_form(batch: ImportBatch, data: Any = None) -> tuple[MappingForm | None, str, list[str]]:
    """The mapping form for the batch's file (read now), or None and the reason it cannot be read."""
    if not batch.file:
        return None, _("The uploaded file has been deleted (retention period)."), []
    path = Path(batch.file.path)
    try:
        sheets = list_sheets(path, batch.file_name)
        # A sample: the web process never reads a whole file (the dry run, in the worker, does).
        table = read_table(
            path,
            batch.file_name,
            sheet=batch.sheet_name,
            header_row=batch.header_row,
            encoding=batch.encoding,
            sample=SAMPLE_ROWS,
        )
    except FileRefused as exc:
        sheets = sheets if "sheets" in locals() else []
        table = None
        reason = str(exc)
    else:
        reason = ""
    headers = table.headers if table else []
    mapping = dict(batch.mapping) or m.guess_mapping(headers)
    facilities = {}
    for facility in Facility.objects.filter(is_active=True):
        for name in (facility.name, facility.name_ar):
            if name:
                facilities[normalise_name(name)] = facility
    unknown = _unknown_values(table, mapping, facilities) if table else {}
    initial: dict[str, Any] = {
        "sheet_name": table.sheet if table else batch.sheet_name,
        "header_row": batch.header_row,
        "encoding": batch.encoding,
    }
    for index, header in enumerate(headers):
        initial[f"col_{index}"] = mapping.get(header, "")
    form = MappingForm(
        data,
        initial=initial,
        sheets=sheets,
        headers=headers,
        unknown_values=unknown,
        facilities=[(str(f.public_id), f.name) for f in Facility.objects.filter(is_active=True).order_by("name")],
        organisation_id=batch.organisation_id,
    )
    for name, key, value in form.value_fields:
        form.initial[name] = (batch.value_maps.get(key) or {}).get(value, "")
    form.current_sheet = table.sheet if table else batch.sheet_name
    return form, reason, table.warnings if table else []


def _report(batch: ImportBatch) -> dict[str, Any]:
    rows = batch.rows.all()
    errors = list(rows.filter(action=RowAction.ERROR)[:REPORT_LIMIT])
    duplicates = [row for row in rows.exclude(duplicates={}).exclude(action=RowAction.ERROR)[:REPORT_LIMIT]]
    updates = list(rows.filter(action=RowAction.UPDATE)[:REPORT_LIMIT])
    # Candidates of every listed duplicate in one query, scoped to the user's organisation.
    ids = {entry["id"] for row in duplicates for entry in row.duplicates.get("persons", [])}
    persons = Person.objects.filter(organisation_id=batch.organisation_id).in_bulk(ids)
    for row in duplicates:
        row.candidates = [persons[entry["id"]] for entry in row.duplicates.get("persons", []) if entry["id"] in persons]
    return {
        "error_rows": errors,
        "duplicate_rows": duplicates,
        "update_rows": updates,
        "undecided": sum(1 for row in duplicates if not row.decision),
        "labels": {f.key: f.label for f in m.FIELDS},
    }


@require_safe
@permission_required(RUN)
def batch_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One import: its mapping form, the dry run's progress or report, and the commit and undo buttons."""
    batch = _batch(request, public_id)
    context: dict[str, Any] = {"batch": batch, "badges": BATCH_STATUS_BADGE, "running": batch.status in RUNNING}
    if batch.status in MAPPABLE_STATUSES:
        form, reason, warnings = _mapping_form(batch)
        context.update(form=form, read_error=reason, read_warnings=warnings)
    if batch.status in (
        BatchStatus.CHECKED,
        BatchStatus.COMMITTED,
        BatchStatus.COMMITTING,
        BatchStatus.UNDOING,
        BatchStatus.UNDONE,
    ):
        context.update(_report(batch))
    if batch.status == BatchStatus.COMMITTED:
        context["undo_blockers"] = services.undo_blockers(batch)
    # The recorded persons the report shows: duplicate candidates, and the persons rows would update.
    shown = [
        *(person for row in context.get("duplicate_rows", ()) for person in row.candidates),
        *(row.person_id for row in context.get("update_rows", ()) if row.person_id),
    ]
    if shown:
        access.note(request, kind=access.Kind.LIST, persons=shown)
    return render(request, "imports/batch_detail.html", context)


@require_POST
@permission_required(RUN)
def batch_mapping(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Save the sheet, header row and mappings; apply or save a template; start the dry run."""
    batch = _batch(request, public_id)
    if batch.status not in MAPPABLE_STATUSES:
        messages.error(request, _("This import can no longer be changed."))
        return redirect(batch)
    form, reason, _warnings = _mapping_form(batch, request.POST)
    if form is None:
        messages.error(request, reason)
        return redirect(batch)
    if not form.is_valid():
        messages.error(request, _("Correct the mapping below."))
        return render(
            request,
            "imports/batch_detail.html",
            {"batch": batch, "form": form, "badges": BATCH_STATUS_BADGE},
            status=400,
        )
    data = form.cleaned_data
    mapping, value_maps = data["mapping"], data["value_maps"]
    if data.get("template") and "apply" in request.POST:
        mapping, value_maps = data["template"].mapping, data["template"].value_maps
    same_table = (data["sheet_name"] or "") == form.current_sheet and data["header_row"] == batch.header_row
    try:
        batch = services.batch_set_mapping(
            batch=batch,
            actor=request.user,
            sheet_name=data["sheet_name"] or "",
            header_row=data["header_row"],
            # A new sheet or header row has other columns: guess again.
            mapping=mapping if same_table else {},
            value_maps=value_maps,
            encoding=data["encoding"] or "",
        )
        if data.get("save_as"):
            services.mapping_template_save(batch=batch, name=data["save_as"], actor=request.user)
            messages.success(request, _("Mapping saved as “%(name)s”.") % {"name": data["save_as"]})
        if "dry_run" in request.POST and same_table and not reason:
            services.batch_queue_dry_run(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(batch)


@require_safe
@permission_required(RUN)
def batch_progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The progress bar (htmx polls it); once the work is done the page reloads to show the result."""
    batch = _batch(request, public_id)
    if not request.htmx:
        return batch_detail(request, public_id)
    response = render(request, "imports/_progress.html", {"batch": batch, "running": batch.status in RUNNING})
    if batch.status not in RUNNING:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@permission_required(RUN)
def batch_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _batch_action(request, public_id, services.batch_cancel)


@require_POST
@permission_required(RUN)
def row_decide(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    """Settle one row's possible duplicates: "new", "skip" or "same:<public id of the existing person>"."""
    batch = _batch(request, public_id)
    choice = request.POST.get("decision", "")
    decision, _sep, person_id = choice.partition(":")
    person = None
    if decision == Decision.SAME:
        try:
            person = Person.objects.filter(organisation_id=batch.organisation_id, public_id=UUID(person_id)).first()
        except ValueError:
            person = None
    try:
        services.row_decide(batch=batch, number=number, decision=decision, person=person, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(f"{batch.get_absolute_url()}#row-{number}")


@require_POST
@permission_required(RUN)
def batch_commit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Hand the checked import to the worker, which writes it in one transaction."""
    return _batch_action(request, public_id, services.batch_queue_commit)


@require_POST
@permission_required(RUN)
def batch_undo(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Hand the committed import to the worker, which undoes it in one transaction."""
    return _batch_action(request, public_id, services.batch_queue_undo, success=_("The import is being undone."))


@require_safe
@permission_required(RUN)
def template_download(request: HttpRequest) -> HttpResponse:
    """The blank import template."""
    response = HttpResponse(spreadsheets.blank_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="casework-import-template.xlsx"'
    return response


@require_safe
@permission_required(RUN)
@permission_required("people.view_person")
def person_export(request: HttpRequest) -> HttpResponse:
    """The user's persons in the template's columns (export → import of unchanged data changes nothing)."""
    persons = Person.objects.visible_to(request.user)
    audit.record(actor=request.user, action="imports.persons.exported", data={"count": persons.count()})
    access.note(request, kind=access.Kind.EXPORT, persons=persons.values_list("pk", flat=True))
    response = HttpResponse(spreadsheets.person_export(persons), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="casework-persons.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response

"""Import a large archive from the shell:
`manage.py import_persons FILE --organisation CODE --mapping NAME [--dry-run] [--duplicates refuse|new|skip]`.

The same upload, dry run and commit as the pages, run in this process. The report goes to stdout
(it names rows and columns, and may quote cell values: it is for the operator, not for logs).
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import Organisation, User
from casework.core.exceptions import DomainError
from casework.imports import services
from casework.imports.choices import BatchStatus, RowAction
from casework.imports.models import MappingTemplate

REPORT_LINES = 50


class Command(BaseCommand):
    help = "Import persons from a CSV, XLSX or ODS file into an organisation with a saved mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="The organisation's code, e.g. NRC.")
        parser.add_argument("--mapping", required=True, help="The name of a mapping saved by the organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument("--sheet", default="", help="The sheet to read (default: the first visible one).")
        parser.add_argument("--header-row", type=int, default=1)
        parser.add_argument("--source", default="", help="The source's name (default: the file name).")
        parser.add_argument(
            "--user", default="", help="Acting user (default: the organisation's first user who may import)."
        )
        parser.add_argument(
            "--duplicates",
            choices=["refuse", "new", "skip"],
            default="refuse",
            help="Rows with possible duplicates: stop (default), import as new persons, or skip them.",
        )

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        template = MappingTemplate.objects.filter(organisation=organisation, name=options["mapping"]).first()
        if template is None:
            raise CommandError(f"The organisation has no saved mapping named {options['mapping']!r}.")
        actor = self._actor(organisation, options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as handle:
                batch = services.batch_upload(
                    upload=File(handle, name=path.name), actor=actor, source=options["source"] or path.stem
                )
            services.batch_set_mapping(
                batch=batch,
                actor=actor,
                sheet_name=options["sheet"],
                header_row=options["header_row"],
                mapping=template.mapping,
                value_maps=template.value_maps,
            )
            batch = services.batch_check_now(batch=batch, actor=actor)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self._report(batch)
        if batch.status != BatchStatus.CHECKED:
            raise CommandError("The file cannot be imported (see above).")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
            return
        if options["duplicates"] != "refuse":
            services.rows_decide_all(batch=batch, decision=options["duplicates"], actor=actor)
        try:
            batch = services.batch_commit(batch=batch, actor=actor)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Committed import {batch.public_id}: {batch.counts['created']} created, {batch.counts['updated']} updated."
        )

    def _actor(self, organisation: Organisation, username: str) -> User:
        users = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
        if username:
            users = users.filter(username=username)
        for user in users:
            if user.has_perm(services.RUN_PERMISSION):
                return user
        raise CommandError("No active user of the organisation may import (imports.run_import); pass --user.")

    def _report(self, batch) -> None:
        counts = batch.counts or {}
        self.stdout.write(
            f"Import {batch.public_id} ({batch.rows_total} rows): "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        )
        for message in batch.file_errors:
            self.stdout.write(f"File: {message}")
        lines = 0
        for row in batch.rows.filter(action=RowAction.ERROR).order_by("number"):
            for error in row.errors:
                if lines < REPORT_LINES:
                    self.stdout.write(
                        f"{batch.sheet_name or '-'} row {row.number}, {error['column']}: {error['message']}"
                    )
                lines += 1
        if lines > REPORT_LINES:
            self.stdout.write(f"... and {lines - REPORT_LINES} more errors.")
        undecided = batch.rows.exclude(duplicates={}).exclude(action=RowAction.ERROR).filter(decision="").count()
        if undecided:
            self.stdout.write(
                f"{undecided} rows have possible duplicates (see the import's page, or use --duplicates)."
            )

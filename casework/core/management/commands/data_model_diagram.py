"""Print the data-model diagram, or write it into docs/data-model.md (--write)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from casework.core.diagram import mermaid_er_diagram, replace_diagram


class Command(BaseCommand):
    help = "Print the Mermaid ER diagram of Casework's models, or update docs/data-model.md with --write."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--write", action="store_true", help="Update the diagram in docs/data-model.md.")

    def handle(self, *args, **options) -> None:
        diagram = mermaid_er_diagram()
        if not options["write"]:
            self.stdout.write(diagram)
            return
        path = Path(settings.BASE_DIR) / "docs" / "data-model.md"
        path.write_text(replace_diagram(path.read_text(), diagram))
        self.stdout.write(f"Updated {path}")

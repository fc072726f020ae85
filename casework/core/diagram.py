"""A Mermaid entity-relationship diagram of Casework's own models, for docs/data-model.md."""

from django.apps import apps
from django.db import models

PROJECT_APPS = ("accounts", "outbox", "camps", "people", "policies", "screenings", "govrequests", "reminders", "core")
START, END = "<!-- diagram:start -->", "<!-- diagram:end -->"


def _project_models() -> list[type[models.Model]]:
    found = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):
                found.append(model)
    return found


def mermaid_er_diagram() -> str:
    """The diagram: entities with their L3 fields marked, and foreign keys as relationships."""
    lines = ["```mermaid", "erDiagram"]
    ours = set(_project_models())
    for model in sorted(ours, key=lambda m: (m._meta.app_label, m.__name__)):
        sensitive = getattr(model, "SENSITIVE_FIELDS", frozenset())
        lines.append(f"    {model.__name__} {{")
        for field in model._meta.concrete_fields:
            if field.is_relation or field.name in ("id", "created_at", "updated_at"):
                continue
            kind = field.get_internal_type().removesuffix("Field") or "Field"
            marker = ' "L3"' if field.name in sensitive else ""
            lines.append(f"        {kind} {field.name}{marker}")
        lines.append("    }")
    for model in sorted(ours, key=lambda m: (m._meta.app_label, m.__name__)):
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in ours and target is not model:
                cardinality = "|o--o{" if field.null else "||--o{"
                lines.append(f"    {target.__name__} {cardinality} {model.__name__} : {field.name}")
    lines.append("```")
    return "\n".join(lines)


def replace_diagram(document: str, diagram: str) -> str:
    """`document` with the text between the diagram markers replaced."""
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{diagram}\n{END}{tail}"

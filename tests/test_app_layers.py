"""The app order of the style guide (§2), checked in code, data references and templates.

`core ← accounts ← outbox ← camps ← people ← matching ← policies ← screenings, govrequests ← legal ← reminders,
reports, imports, dossiers ← merging, retention ← pages ← demo`: an app may use only apps on a lower layer. Apps on the same layer may not use each other.
Checked, over every `.py` under `casework/` except migrations (which use the historical app registry):

- imports, at any depth (function-local and `if TYPE_CHECKING:` ones too), absolute or relative;
- `apps.get_model("<app>", ...)` / `apps.get_model("<app>.<Model>")` with a literal label;
- `X._meta.get_field(...).related_model` anywhere in app code: it names one relation of one model to get at
  another app's model without importing it. Only this chained form is flagged: generic tooling that walks
  every model (`core/diagram.py`, the scoping in `core/admin.py`, the demo's reset) reads
  `field.related_model` off the fields it iterates over, which reaches no app by name;
- string model references (`ForeignKey("<app>.<Model>")`, `to=`) in relation fields;
- in templates of an app (`templates/<app>/`, `casework/<app>/templates/`): `{% load %}` of a template-tag
  library (mapped to the app of its `templatetags/` module), `{% include %}` and `{% extends %}` of another
  app's templates.

A `casework/<app>/choices.py` that itself imports nothing from `casework` may be imported from anywhere.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "casework"
TEMPLATES = ROOT / "templates"

LAYERS: dict[str, int] = {
    "core": 0,
    "accounts": 1,
    "outbox": 2,
    "camps": 3,
    "people": 4,
    "matching": 5,
    "policies": 6,
    "screenings": 7,
    "govrequests": 7,
    "legal": 8,  # an appeal names the request it challenges
    "reminders": 9,
    "reports": 9,
    "imports": 9,
    "dossiers": 9,
    # Above reminders: a merge moves reminders and rewrites their subject key.
    "merging": 10,
    "retention": 10,
    "pages": 11,
    "demo": 12,
}

# Project modules, which wire the apps together and may import any of them.
PROJECT_MODULES = {"settings", "urls", "celery", "wsgi", "__init__"}

# Violations owned by another change in flight; each must be removed, never added to.
KNOWN_VIOLATIONS_TO_REMOVE: set[tuple[str, str]] = set()

RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
LOAD_TAG = re.compile(r"{%\s*load\s+(.+?)\s*%}")
INCLUDE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/""")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why} ({self.target})"


def app_of_module(module: str) -> str | None:
    """The app a dotted module name under `casework` belongs to, or None for project and outside modules."""
    parts = module.split(".")
    if parts[0] != "casework" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve_relative(module_path: Path, level: int, module: str | None) -> str:
    """`from ..x import y` in `module_path` as an absolute dotted name."""
    package = module_name(module_path).split(".")
    if module_path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, module] if module else base)


def is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported_modules(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    """Every module an import in `tree` names, at any depth, with its line.

    `from a import b` names `a.b` when that is a module (`from casework.people import choices`), else `a`.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(path, node.level, node.module) if node.level else (node.module or "")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if alias.name != "*" and is_module(sub) else base))
    return found


def is_free_choices_module(module: str) -> bool:
    """`casework.<app>.choices` whose file imports nothing from `casework`."""
    parts = module.split(".")
    if len(parts) != 3 or parts[2] != "choices":
        return False
    path = PACKAGE / parts[1] / "choices.py"
    if not path.exists():
        return False
    tree = ast.parse(path.read_text(), filename=str(path))
    return not any(name.split(".")[0] == "casework" for _, name in imported_modules(tree, path))


def forbidden(importer: str, target: str) -> bool:
    """True when app `importer` may not use app `target`."""
    return target != importer and LAYERS[target] >= LAYERS[importer]


def label_of(reference: str) -> str:
    return reference.split(".", 1)[0]


def check_source(source: str, path: Path) -> list[Violation]:
    """Violations of the order in one Python module of app `path.parts[1]`."""
    rel = path.relative_to(ROOT).as_posix()
    app = path.relative_to(PACKAGE).parts[0]
    tree = ast.parse(source, filename=rel)
    violations: list[Violation] = []

    def flag(line: int, target: str, why: str) -> None:
        violations.append(Violation(rel, line, target, why))

    seen: set[tuple[int, str]] = set()
    for line, module in imported_modules(tree, path):
        target = app_of_module(module)
        if target is None or not forbidden(app, target):
            continue
        if is_free_choices_module(module) or (line, target) in seen:
            continue
        seen.add((line, target))
        flag(line, module, f"{app} (layer {LAYERS[app]}) imports {target} (layer {LAYERS[target]})")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "get_model" and node.args and isinstance(node.args[0], ast.Constant):
                label = label_of(str(node.args[0].value))
                if label in LAYERS and forbidden(app, label):
                    flag(node.lineno, str(node.args[0].value), f"{app} reaches {label} through apps.get_model")
            if name in RELATION_FIELDS:
                refs = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "to")]
                for ref in refs:
                    if isinstance(ref, ast.Constant) and isinstance(ref.value, str) and "." in ref.value:
                        label = label_of(ref.value)
                        if label in LAYERS and forbidden(app, label):
                            flag(node.lineno, ref.value, f"{app} model points to {label} by a string reference")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "related_model"
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "get_field"
            and isinstance(node.value.func.value, ast.Attribute)
            and node.value.func.value.attr == "_meta"
        ):
            flag(node.lineno, ast.unparse(node), f"{app} reaches a related model through _meta.get_field")
    return violations


def python_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:
            assert path.stem in PROJECT_MODULES, f"{path}: a project module the layer test does not know"
            continue
        if "migrations" in parts:
            continue
        assert parts[0] in LAYERS, f"casework/{parts[0]}: an app missing from LAYERS"
        files.append(path)
    return files


def tag_libraries() -> dict[str, str]:
    """Template-tag library name -> the app that defines it."""
    return {
        lib.stem: lib.relative_to(PACKAGE).parts[0]
        for lib in PACKAGE.glob("*/templatetags/*.py")
        if lib.stem != "__init__"
    }


def check_template(text: str, app: str, rel: str, libraries: dict[str, str]) -> list[Violation]:
    """`{% load %}` of a tag library, `{% include %}`/`{% extends %}` of a template, of the same or a higher layer."""
    violations = []
    for match in LOAD_TAG.finditer(text):
        words = match.group(1).split()
        names = words[words.index("from") + 1 :] if "from" in words else words
        line = text.count("\n", 0, match.start()) + 1
        for name in names:
            owner = libraries.get(name)
            if owner is not None and forbidden(app, owner):
                violations.append(Violation(rel, line, name, f"{app} template loads {owner} tags"))
    for match in INCLUDE_TAG.finditer(text):
        owner = match.group(1)
        if owner in LAYERS and forbidden(app, owner):
            line = text.count("\n", 0, match.start()) + 1
            violations.append(Violation(rel, line, match.group(0), f"{app} template includes a template of {owner}"))
    return violations


def template_files() -> list[tuple[Path, str]]:
    found = [(p, p.relative_to(TEMPLATES).parts[0]) for p in TEMPLATES.glob("*/**/*") if p.is_file()]
    found += [(p, p.relative_to(PACKAGE).parts[0]) for p in PACKAGE.glob("*/templates/**/*") if p.is_file()]
    return [(path, app) for path, app in sorted(found) if app in LAYERS]


def all_violations() -> list[Violation]:
    violations = [v for path in python_files() for v in check_source(path.read_text(), path)]
    libraries = tag_libraries()
    for path, app in template_files():
        rel = path.relative_to(ROOT).as_posix()
        violations += check_template(path.read_text(), app, rel, libraries)
    return [v for v in violations if (v.path, v.target) not in KNOWN_VIOLATIONS_TO_REMOVE]


def test_no_app_uses_an_app_of_its_own_or_a_higher_layer():
    violations = all_violations()
    assert not violations, "Against the app order (style guide §2):\n" + "\n".join(map(str, violations))


def test_known_violations_still_exist():
    """An entry in KNOWN_VIOLATIONS_TO_REMOVE that no longer happens must be deleted from it."""
    found = {
        (v.path, v.target)
        for rel, _ in KNOWN_VIOLATIONS_TO_REMOVE
        if (ROOT / rel).exists()
        for v in check_source((ROOT / rel).read_text(), ROOT / rel)
    }
    stale = {(rel, t) for rel, t in KNOWN_VIOLATIONS_TO_REMOVE if (rel, t) not in found}
    assert not stale, f"Gone, remove from KNOWN_VIOLATIONS_TO_REMOVE: {sorted(stale)}"


def test_choices_modules_imported_across_apps_import_nothing_from_the_project():
    for path in PACKAGE.glob("*/choices.py"):
        tree = ast.parse(path.read_text())
        inner = [name for _, name in imported_modules(tree, path) if name.split(".")[0] == "casework"]
        assert not inner, f"{path.relative_to(ROOT)} imports {inner}: it could not be imported from anywhere"


# --- The checker itself can fail ------------------------------------------------------------------

PLANTED = """
from typing import TYPE_CHECKING
from django.apps import apps
from django.db import models

from casework.core.models import TimeStampedModel
from casework.govrequests.choices import RequestStatus
from . import services
from ..reminders import selectors

if TYPE_CHECKING:
    from casework.govrequests.models import GovernmentRequest


class Thing(models.Model):
    request = models.ForeignKey("govrequests.GovernmentRequest", on_delete=models.CASCADE)
    camp = models.ForeignKey("camps.Facility", on_delete=models.CASCADE)


def reach():
    import casework.screenings.models
    from casework import reminders
    Reminder = apps.get_model("reminders", "Reminder")
    Person = apps.get_model("people.Person")
    return Thing._meta.get_field("screenings").related_model
"""


def test_checker_finds_each_kind_of_planted_violation():
    path = PACKAGE / "people" / "planted.py"
    found = {(v.line, v.target) for v in check_source(PLANTED, path)}
    assert found == {
        (9, "casework.reminders.selectors"),
        (12, "casework.govrequests.models"),
        (16, "govrequests.GovernmentRequest"),
        (21, "casework.screenings.models"),
        (22, "casework.reminders"),
        (23, "reminders"),
        (25, "Thing._meta.get_field('screenings').related_model"),
    }


def test_checker_allows_a_free_choices_module_and_lower_apps():
    path = PACKAGE / "camps" / "planted.py"
    source = "from casework.people import choices\nfrom casework.accounts.models import User\n"
    assert check_source(source, path) == []
    assert [v.target for v in check_source("from casework.people import services\n", path)] == [
        "casework.people.services"
    ]


def test_checker_flags_a_template_loading_a_higher_apps_tags():
    libraries = {"reminders_tags": "reminders", "casework": "core", "people_tags": "people"}
    text = (
        "{% extends 'base.html' %}\n{% load i18n casework people_tags %}\n{% load reminder_list from reminders_tags %}"
    )
    found = check_template(text, "people", "templates/people/x.html", libraries)
    assert [(v.line, v.target) for v in found] == [(3, "reminders_tags")]

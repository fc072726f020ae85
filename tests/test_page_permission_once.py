"""A page checks the permission it declares once: by its `permission_required` decorator or Django's
`PermissionRequiredMixin` (tests/test_page_access.py), not again by a `require(...)` or an
`if not ….has_perm(...): raise PermissionDenied` in its body or in a helper of its module that it calls.

The declared check runs first and answers 403 before any lookup, so a second check of the same permission can
never fail: it is dead code that drifts (a permission renamed in one of the two places). Checks of other
permissions (a decision needs the decide capability) and the services' own checks are not concerned.
"""

import ast
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "casework"


def _view_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and (path.stem == "views" or path.parent.name == "views")
    )


def _value(node: ast.expr, module: ModuleType) -> Any:
    """A permission name given as a literal or as a module-level name (None if neither)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return getattr(getattr(module, node.value.id, None), node.attr, None)
    return None


def _raises_permission_denied(body: list[ast.stmt]) -> bool:
    return any(
        isinstance(stmt, ast.Raise) and "PermissionDenied" in ast.unparse(stmt.exc or ast.Constant(None))
        for stmt in body
    )


def _guards(node: ast.AST, module: ModuleType) -> set[str]:
    """The permissions that `node` (a function or a class) itself refuses with a 403."""
    found = set()
    for inner in ast.walk(node):
        is_call = isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
        if is_call and inner.func.id == "require" and len(inner.args) == 2:
            found.add(_value(inner.args[1], module))
        if isinstance(inner, ast.If) and _raises_permission_denied(inner.body):
            test = inner.test
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
                call = test.operand
                if isinstance(call.func, ast.Attribute) and call.func.attr == "has_perm" and call.args:
                    found.add(_value(call.args[0], module))
    return found - {None}


def _called_names(node: ast.AST) -> set[str]:
    return {
        inner.func.id for inner in ast.walk(node) if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
    }


def _declared(node: ast.AST, module: ModuleType) -> set[str]:
    """The permissions a view function's decorator or a view class's `permission_required` declares."""
    declared: set[str] = set()
    if isinstance(node, ast.FunctionDef):
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("permission_required"):
                declared |= {_value(arg, module) for arg in decorator.args}
    if isinstance(node, ast.ClassDef):
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "permission_required" for target in stmt.targets
            ):
                value = _value(stmt.value, module)
                declared |= {value} if isinstance(value, str) else set(value or ())
    return declared - {None}


def _checked_twice() -> list[str]:
    found = []
    for path in _view_modules():
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        module = importlib.import_module(name)
        tree = ast.parse(path.read_text(), filename=str(path))
        helpers = {stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.FunctionDef)}
        for node in ast.walk(tree):
            declared = _declared(node, module)
            if not declared:
                continue
            checked = _guards(node, module)
            for called in _called_names(node) & helpers.keys():
                checked |= _guards(helpers[called], module)
            for permission in sorted(declared & checked):
                found.append(f"{name}.{node.name}: {permission}")  # type: ignore[attr-defined]
    return found


def test_the_scan_reads_the_declared_permissions():
    # Guards the test below against a scan that finds no page.
    module = importlib.import_module("casework.people.views")
    tree = ast.parse(Path(module.__file__).read_text())
    declared = {node.name: _declared(node, module) for node in ast.walk(tree) if _declared(node, module)}

    assert declared["person_transition"] == {"people.transition_person"}
    assert declared["PersonListView"] == {"people.view_person"}


def test_the_scan_sees_a_guard_in_a_helper():
    source = "def _get(request):\n    if not request.user.has_perm('a.b'):\n        raise PermissionDenied\n"
    helper = ast.parse(source).body[0]

    assert _guards(helper, importlib.import_module("casework.people.views")) == {"a.b"}


def test_no_page_checks_its_declared_permission_twice():
    assert _checked_twice() == []

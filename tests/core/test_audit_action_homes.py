"""Each audit action name has one home: an action written by more than one `audit.record`/`record_many` call is a
named constant (e.g. `casework.core.sensitivity.SENSITIVE_READ`), not a literal copied into each call, so that
the readers of the log (and the tests) cannot drift from the writers."""

import ast
from collections import defaultdict
from pathlib import Path

from casework.core.sensitivity import SENSITIVE_READ

PACKAGE = Path(__file__).resolve().parents[2] / "casework"
WRITERS = {"record", "record_many"}


def _literal_actions() -> dict[str, list[str]]:
    """Each action given as a string literal to an audit writer in the package, with where it is written."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in WRITERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    found[keyword.value.value].append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_the_scan_sees_the_audit_writers():
    # Guards the test below against a scan that finds nothing.
    assert "people.person.exported" in _literal_actions()


def test_no_audit_action_literal_is_written_in_two_places():
    repeated = {action: places for action, places in _literal_actions().items() if len(places) > 1}

    assert repeated == {}


def test_the_sensitive_read_action_has_its_one_home_in_core():
    assert SENSITIVE_READ == "sensitive.read"
    homes = [
        f"{path.relative_to(PACKAGE.parent)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value == SENSITIVE_READ
    ]

    assert homes == ["casework/core/sensitivity.py"]

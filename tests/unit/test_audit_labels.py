"""Every action code the app writes in the audit log has a label in the log's words.

The codes are read from the code itself: every call of ``app.audit.record`` and, through them, of
the functions that pass their own argument on as the code (``fire_candidature(candidature, name)``
writes ``f"candidature.{name}"``; ``_move_region(region, name, ...)`` passes ``name`` on to it).
A code the scan cannot read (built from anything but a literal, a parameter or a value listed in
``FOLLOWED``) fails the test, so a new way of writing codes cannot slip past it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from app.models.exports import EXPORT_KINDS
from app.journal.labels import LABELS, MACHINES

APP = Path(__file__).resolve().parents[2] / "app"
# Codes built from a value the scan cannot follow, with the app's own list of the values it takes.
FOLLOWED = {"job.kind": EXPORT_KINDS}  # a prepared file's kind: export.book, export.minutes, export.notes…


@dataclass(frozen=True)
class Writer:
    """A function whose parameter ``param`` (at ``index``) is written as ``prefix + value``."""

    param: str
    index: int
    prefix: str


def _called(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(
        call.func, ast.Attribute) else None


def _params(function: ast.FunctionDef) -> list[str]:
    return [arg.arg for arg in function.args.posonlyargs + function.args.args if arg.arg not in ("self", "cls")]


def _argument(call: ast.Call, writer: Writer) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == writer.param:
            return keyword.value
    return call.args[writer.index] if len(call.args) > writer.index else None


def scan() -> tuple[set[str], list[str]]:
    """The codes written anywhere in app/, and the calls whose code could not be read."""
    functions = [(path, node) for path in sorted(APP.rglob("*.py"))
                 for node in ast.walk(ast.parse(path.read_text(), str(path)))
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    writers = {"record": {Writer("action", 0, "")}}
    while True:  # until no new function passes its parameter on as a code
        codes, unread, found = set(), [], set()
        for path, function in functions:
            params = _params(function)
            for call in (node for node in ast.walk(function) if isinstance(node, ast.Call)):
                for writer in writers.get(_called(call), ()):
                    for value in _values(_argument(call, writer)):
                        if isinstance(value, str):
                            codes.add(writer.prefix + value)
                        elif value is not None and value[1] in params:
                            found.add((function.name, Writer(value[1], params.index(value[1]),
                                                             writer.prefix + value[0])))
                        else:
                            unread.append(f"{path.relative_to(APP.parent)}:{call.lineno}")
        if all(writer in writers.get(name, ()) for name, writer in found):
            return codes, unread
        for name, writer in found:
            writers.setdefault(name, set()).add(writer)


def _values(node: ast.expr | None) -> list:
    """A code's possible values: literal strings, or (prefix, parameter name) for ``f"prefix{param}"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _values(node.body) + _values(node.orelse)
    if isinstance(node, ast.Name):
        return [("", node.id)]
    if isinstance(node, ast.JoinedStr) and len(node.values) == 2 and isinstance(node.values[0], ast.Constant) \
            and isinstance(node.values[1], ast.FormattedValue):
        prefix, value = node.values[0].value, node.values[1].value
        if isinstance(value, ast.Name):
            return [(prefix, value.id)]
        if ast.unparse(value) in FOLLOWED:
            return [prefix + known for known in FOLLOWED[ast.unparse(value)]]
    return [None]


def test_every_code_written_has_a_label():
    codes, unread = scan()

    assert unread == []
    assert {"candidature.submit", "region.close_region", "edition.publish_results", "export.notes",
            "conflict.declare", "user.login", "jury.invite"} <= codes  # the scan sees every way of writing
    assert sorted(code for code in codes if code not in LABELS) == []


def test_every_transition_of_the_machines_has_a_label():
    codes = {f"{prefix}.{name}" for prefix, machine in MACHINES.items() for name in machine.transitions}

    assert sorted(codes - LABELS.keys()) == []

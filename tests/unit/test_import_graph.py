"""The packages of ``app/`` import one another without a cycle, and no route module imports another.

Read from the source (``ast``), not by importing: a unit is a package of ``app`` or a module at its
top (``app.jury``, ``app.mail``); an import inside a function counts like any other.
"""

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def imports() -> list[tuple[str, str]]:
    """(importing module, imported module) for every ``from app… import`` in app/."""
    found = []
    for path in APP.rglob("*.py"):
        module = ".".join(path.relative_to(APP.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
                found.append((module, node.module))
    return found


def unit(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_units_of_app_import_each_other_without_a_cycle():
    graph = defaultdict(set)
    for importing, imported in imports():
        if unit(importing) != unit(imported):
            graph[unit(importing)].add(unit(imported))

    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        raise AssertionError(f"import cycle: {' -> '.join(cycle.args[1])}") from None
    assert "app.models" in order and "app.jury" in order  # the graph was really read


def test_no_route_module_imports_another_route_module():
    assert [(a, b) for a, b in imports() if a.endswith(".routes") and b.endswith(".routes") and a != b] == []

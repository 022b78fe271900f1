"""Mermaid picture of the candidature state machine, generated from ``machine.CANDIDATURE``.

Invariants: the output depends only on the table (one edge per source, target and transition,
in the declaration order of the states, then by name), so the README picture cannot drift from
the code; ``readme_block()`` is exactly the text between the README markers
``<!-- state-diagram:start -->`` and ``<!-- state-diagram:end -->``.
"""

from workflows.machine import CANDIDATURE, Machine


def mermaid_diagram(machine: Machine = CANDIDATURE) -> str:
    """A ``stateDiagram-v2`` of ``machine``, with French state labels."""
    states = list(type(machine.initial))
    edges = sorted(
        ((source, t.target, t.name) for t in machine.transitions.values() for source in t.sources),
        key=lambda edge: (states.index(edge[0]), states.index(edge[1]), edge[2]),
    )
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{state.label}" as {state}' for state in states]
    lines.append(f"    [*] --> {machine.initial}")
    lines += [f"    {source} --> {target} : {name}" for source, target, name in edges]
    lines += [f"    {state} --> [*]" for state in states if state in machine.terminals]
    return "\n".join(lines) + "\n"


def readme_block() -> str:
    """The fenced diagram, with the newlines that separate it from the markers."""
    return f"\n```mermaid\n{mermaid_diagram()}```\n"


if __name__ == "__main__":
    print(readme_block(), end="")

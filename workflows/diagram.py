"""The README's pictures of the rules, generated from the code: the candidature state machine
(``machine.CANDIDATURE``, as Mermaid) and the lifecycle table (``lifecycle.WINDOWS``, as Markdown).

Invariants: the output depends only on the tables (one edge per source, target and transition,
in the declaration order of the states, then by name; one row per act, one column per moment),
so the README cannot drift from the code; ``readme_block(kind)`` is exactly the text between the
README markers ``<!-- <kind>:start -->`` and ``<!-- <kind>:end -->``, which a test compares.
"""

import sys

from workflows.definition import CONTESTS_DIR, load_contest
from workflows.lifecycle import Act, Moment, refusal
from workflows.machine import CANDIDATURE, Machine
from workflows.states import NationalStage as N
from workflows.states import RegionStage as R

# The moments a contest goes through, in order, as the lifecycle table's columns.
MOMENTS = (
    ("dépôt ouvert", Moment(False, N.REGIONAL, R.SUBMISSIONS)),
    ("date limite passée", Moment(True, N.REGIONAL, R.SUBMISSIONS)),
    ("jury régional ouvert", Moment(True, N.REGIONAL, R.JURY_OPEN)),
    ("région close", Moment(True, N.REGIONAL, R.CLOSED)),
    ("région excusée", Moment(True, N.REGIONAL, R.EXCUSED)),
    ("jury national, région close", Moment(True, N.NATIONAL_JURY, R.CLOSED)),
    ("jury national, région rouverte", Moment(True, N.NATIONAL_JURY, R.JURY_OPEN)),
    ("lauréat désigné", Moment(True, N.WINNER_DECLARED, R.CLOSED)),
    ("résultats publiés", Moment(True, N.PUBLISHED, R.CLOSED)),
)


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


def lifecycle_table() -> str:
    """A Markdown table: for each act, ✓ at the moments it is possible."""
    rules = load_contest(CONTESTS_DIR / "ssp-2017.toml")  # only its deadline label is read
    lines = ["| acte | qui | " + " | ".join(name for name, _moment in MOMENTS) + " |",
             "|---|---|" + "---|" * len(MOMENTS)]
    for act in Act:
        cells = ["✓" if refusal(act, moment, rules) is None else "·" for _name, moment in MOMENTS]
        lines.append(f"| {act.label[0].upper() + act.label[1:]} | {act.role.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


BLOCKS = {
    "state-diagram": lambda: f"\n```mermaid\n{mermaid_diagram()}```\n",
    "lifecycle-table": lambda: f"\n{lifecycle_table()}",
}


def readme_block(kind: str = "state-diagram") -> str:
    """The generated text that sits between the README's ``kind`` markers."""
    return BLOCKS[kind]()


if __name__ == "__main__":
    print(readme_block(*sys.argv[1:2]), end="")

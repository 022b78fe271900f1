"""The README's state diagram is the one generated from the transition table."""

import re
from pathlib import Path

from workflows.diagram import readme_block

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_diagram_matches_transition_table():
    text = README.read_text(encoding="utf-8")

    found = re.search(r"<!-- state-diagram:start -->\n(.*)<!-- state-diagram:end -->", text, re.S)

    assert found, "the README lost its state-diagram markers"
    assert found.group(1).strip() == readme_block().strip()

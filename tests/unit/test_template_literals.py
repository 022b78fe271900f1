"""Templates name states and stages by their enums (``State.DRAFT``), never by the stored strings:
the rules stay in workflows/, and a renamed state cannot leave a page silently wrong."""

import re
from pathlib import Path

from workflows.states import NationalStage, RegionStage, State

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
STORED = {member.value for enum in (State, RegionStage, NationalStage) for member in enum}


def test_no_template_compares_a_state_with_its_stored_string():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for quoted in re.findall(r"""(?:==|!=|\bin)\s*\(?\s*["']([a-z_]+)["']""", line):
                if quoted in STORED:
                    found.append(f"{path.relative_to(TEMPLATES)}:{number}: {quoted}")

    assert found == []

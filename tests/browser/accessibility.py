"""axe-core in the browser tests: a page is checked against WCAG 2.1 A and AA as the browser shows it.

axe-core comes from npm as a development dependency (``make test`` installs it with ``npm ci``); the
app never serves it: the tests read node_modules/axe-core/axe.min.js and run it in the page through
Playwright, which the pages' Content-Security-Policy does not see.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The success criteria of WCAG 2.0 and 2.1 at levels A and AA: those RGAA 4 is built on.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What a person may fail on: a page with one of these impacts is refused.
BLOCKING = ("critical", "serious")
# The screen widths checked: a computer's and a small phone's.
WIDTHS = (1280, 375)
HEIGHT = 900


def axe_version() -> str:
    return json.loads((AXE.parent / "package.json").read_text())["version"]


def violations(page) -> list[dict]:
    """axe's violations on the page as shown now, each with its rule, impact and the elements' selectors."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make test`, which installs it with npm ci.")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(result => result.violations.map(v => ({
                rule: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(node => node.target.join(" "))})))""",
        TAGS)


def blocking(page) -> list[str]:
    """The critical and serious violations on the page, each in one readable line."""
    return [f"{v['impact']} {v['rule']} ({v['help']}): {', '.join(v['targets'][:5])}"
            + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
            for v in violations(page) if v["impact"] in BLOCKING]


def assert_accessible(page) -> None:
    """Fail on any critical or serious violation of WCAG 2.1 A/AA that axe finds on the page."""
    found = blocking(page)
    assert not found, f"{page.url}:\n  " + "\n  ".join(found)

import subprocess
import sys
from pathlib import Path

import pytest

from workflows.diagram import mermaid_diagram, readme_block
from workflows.machine import REGION

ROOT = Path(__file__).resolve().parents[2]

CANDIDATURE_DIAGRAM = """stateDiagram-v2
    state "brouillon" as draft
    state "déposée" as submitted
    state "retirée" as withdrawn
    state "irrecevable" as inadmissible
    state "en examen par le jury régional" as regional_jury
    state "présélectionnée pour le national" as national_shortlist
    state "non retenue en région" as regional_not_selected
    state "lauréate" as winner
    state "non retenue au national" as national_not_selected
    state "non examinée : pas de jury régional" as region_excused
    [*] --> draft
    draft --> submitted : enter_emailed_dossier
    draft --> submitted : submit
    draft --> withdrawn : withdraw
    submitted --> withdrawn : withdraw
    submitted --> inadmissible : declare_inadmissible
    submitted --> regional_jury : open_regional_jury
    submitted --> region_excused : excuse_region
    inadmissible --> submitted : requalify
    regional_jury --> inadmissible : declare_inadmissible
    regional_jury --> national_shortlist : select_for_nation
    regional_jury --> regional_not_selected : close_region
    regional_jury --> region_excused : excuse_region
    national_shortlist --> regional_jury : unselect
    national_shortlist --> winner : declare_winner
    national_shortlist --> national_not_selected : not_select_nationally
    regional_not_selected --> regional_jury : reopen_region
    region_excused --> submitted : reinstate_region
    withdrawn --> [*]
    winner --> [*]
    national_not_selected --> [*]
"""


def test_mermaid_diagram_draws_every_candidature_transition():
    assert mermaid_diagram() == CANDIDATURE_DIAGRAM


def test_mermaid_diagram_of_the_region_machine_has_no_terminal():
    assert mermaid_diagram(REGION).splitlines()[5:] == [
        "    [*] --> submissions",
        "    submissions --> jury_open : open_regional_jury",
        "    submissions --> excused : excuse_region",
        "    jury_open --> closed : close_region",
        "    jury_open --> excused : excuse_region",
        "    closed --> jury_open : reopen_region",
        "    excused --> submissions : reinstate_region",
    ]


def test_readme_block_is_the_fenced_diagram_between_markers():
    readme = ("<!-- state-diagram:start -->\n```mermaid\n" + CANDIDATURE_DIAGRAM
              + "```\n<!-- state-diagram:end -->")

    between = readme.split("<!-- state-diagram:start -->")[1].split("<!-- state-diagram:end -->")[0]

    assert readme_block() == between


@pytest.mark.parametrize("arguments", [[], ["state-diagram"], ["lifecycle-table"]])
def test_diagram_module_prints_the_readme_block(arguments):
    printed = subprocess.run([sys.executable, "-m", "workflows.diagram", *arguments], cwd=ROOT,
                             capture_output=True, text=True, check=True)

    assert (printed.stdout, printed.stderr) == (readme_block(*arguments), "")

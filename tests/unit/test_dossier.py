from pathlib import Path

import pytest

from workflows.definition import load_contest
from workflows.dossier import FIELDS, MAPPINGS, STEPS, dossier_key, missing_fields, missing_items, step_of, text_problem

RULES = load_contest(Path(__file__).resolve().parents[2] / "workflows" / "contests" / "ssp-2017.toml")


def complete_dossier() -> dict:
    return {
        "category": RULES.categories[0].key,
        "structure_name": "Association des usagers du CH de Lens",
        "contact_name": "Jeanne Martin",
        "contact_email": "jeanne.martin@example.org",
        "title": "Patients traceurs à domicile",
        "summary": "Résumé",
        "description": "Description",
        "project_stage": RULES.project_stages[0].key,
        "sectors": [RULES.sectors[0].key],
        "modalities": [RULES.modalities[0].key],
        "domains": [RULES.domains[0].key],
        "partners": [{"side": "usager"}, {"side": "soignant"}],
        "answers": {criterion.key: "Réponse" for criterion in RULES.criteria},
        "attestations": {a.key: True for a in RULES.attestations},
    }


def test_missing_items_complete_dossier_has_none():
    assert missing_items(complete_dossier(), RULES) == ()


def test_missing_items_empty_dossier_lists_every_item():
    items = missing_items({}, RULES)

    required_attestations = [a for a in RULES.attestations if a.required]
    assert len(items) == 8 + 3 + 2 + len(RULES.criteria) + len(required_attestations)
    assert "le titre du projet" in items
    assert f"la réponse au critère « {RULES.criteria[0].label} »" in items


@pytest.mark.parametrize("side", ["usager", "soignant"])
def test_missing_items_partnership_needs_both_sides(side):
    dossier = complete_dossier()
    dossier["partners"] = [{"side": side}]

    assert len(missing_items(dossier, RULES)) == 1


def test_missing_items_blank_text_counts_as_missing():
    dossier = complete_dossier()
    dossier["title"] = "   "

    assert missing_items(dossier, RULES) == ("le titre du projet",)


def test_missing_items_other_domain_needs_its_text():
    other = next(choice.key for choice in RULES.domains if choice.requires_text)
    dossier = complete_dossier()
    dossier["domains"] = [other]

    assert missing_items(dossier, RULES) == ("la précision du domaine « autre »",)


def test_missing_items_optional_attestation_not_required():
    optional = [a.key for a in RULES.attestations if not a.required]
    dossier = complete_dossier()
    for key in optional:
        dossier["attestations"][key] = False

    assert optional and missing_items(dossier, RULES) == ()


def test_steps_hold_every_dossier_key_once():
    keys = [key for step in STEPS for key in step.keys]

    assert sorted(keys) == sorted([*FIELDS, *MAPPINGS, "partners"])


def test_every_missing_item_names_a_field_on_its_step():
    dossier = {"domains": [choice.key for choice in RULES.domains if choice.requires_text]}

    steps = {field: step_of(field) for field, _label in missing_fields(dossier, RULES)}

    assert steps["category"] == steps["contact_email"] == 1
    assert steps["partners"] == steps["modalities"] == 2
    assert steps["domain_other"] == steps["summary"] == 3
    assert steps[f"answer_{RULES.criteria[0].key}"] == 4
    assert steps[f"attestation_{RULES.attestations[0].key}"] == 5
    assert [label for _field, label in missing_fields(dossier, RULES)] == list(missing_items(dossier, RULES))


@pytest.mark.parametrize("field, key", [("partners-2-name", "partners"), ("answer_securite", "answers"),
                                        ("attestation_non_commercial", "attestations"), ("title", "title")])
def test_dossier_key_of_a_form_field(field, key):
    assert dossier_key(field) == key


def test_text_problem_counts_the_written_text_without_surrounding_spaces():
    limit = RULES.limits.reason

    assert text_problem("  " + "x" * limit + "  ", RULES) is None
    assert text_problem("x" * (limit + 1), RULES) == (
        f"Le texte ne doit pas dépasser {limit} caractères ({limit + 1} saisis).")

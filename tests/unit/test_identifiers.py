from pathlib import Path

import pytest

from workflows.definition import ContestError, loads_contest
from workflows.identifiers import identifier_problem, luhn_valid

DEFINITION = Path(__file__).resolve().parents[2] / "workflows" / "contests" / "ssp-2017.toml"


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("590000123", ("finess",)),
        ("2A0000123", ("finess",)),
        ("2B0000123", ("finess",)),
        ("356 000 000 00048", ("siret",)),  # La Poste, head office: a real SIRET
        ("W591234567", ("rna",)),
        ("w591234567", ("rna",)),
        ("10001234567", ("rpps",)),
        ("W591234567", ("siret", "rna")),
    ],
)
def test_identifier_valid_values_are_accepted(value, kinds):
    assert identifier_problem(value, kinds) is None


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("59000012", ("finess",)),  # 8 characters
        ("2C0000123", ("finess",)),
        ("35600000000049", ("siret",)),  # Luhn key wrong
        ("3560000000004", ("siret",)),
        ("X591234567", ("rna",)),
        ("1000123456", ("rpps",)),
        ("590000123", ("rpps",)),  # a FINESS where an RPPS is expected
    ],
)
def test_identifier_invalid_values_are_refused(value, kinds):
    assert identifier_problem(value, kinds).startswith("Identifiant invalide : attendu un numéro")


def test_identifier_message_names_every_accepted_kind():
    assert identifier_problem("123", ("siret", "rna")) == (
        "Identifiant invalide : attendu un numéro SIRET (14 chiffres) ou RNA (la lettre W suivie de 9 chiffres)."
    )


def test_luhn_known_values():
    assert luhn_valid("35600000000048") and not luhn_valid("35600000000047")


def test_definition_refuses_unknown_identifier_kind():
    broken = DEFINITION.read_text(encoding="utf-8").replace('identifiers = ["finess"]', 'identifiers = ["insee"]')

    with pytest.raises(ContestError) as refused:
        loads_contest(broken, source=DEFINITION.name)

    assert refused.value.errors == ["ssp-2017.toml: categories[1].identifiers: identifiants inconnus : insee"]

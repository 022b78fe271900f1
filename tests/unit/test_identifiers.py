from pathlib import Path

import pytest

from workflows.definition import ContestError, loads_contest
from workflows.identifiers import identifier_problem

DEFINITION = Path(__file__).resolve().parents[2] / "workflows" / "contests" / "ssp-2017.toml"
WRONG_KEY = "Identifiant invalide : la clé de contrôle du numéro {} ne correspond pas ; vérifiez chaque chiffre."


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("750712184", ("finess",)),  # AP-HP, legal entity
        ("240 000 059", ("finess",)),  # CH de Bergerac
        ("2A0000154", ("finess",)),  # Clinique du sud de la Corse: 2A counts as 21 in the key
        ("2a0000154", ("finess",)),
        ("2B0000020", ("finess",)),  # CH de Bastia: 2B counts as 22
        ("356 000 000 00048", ("siret",)),  # La Poste, head office: a Luhn key
        ("35600000000048", ("siret",)),
        ("35600000049837", ("siret",)),  # La Poste establishments: digit sum a multiple of 5, no Luhn key
        ("35600000009075", ("siret",)),
        ("732 829 320 00074", ("siret",)),
        ("W591234567", ("rna",)),
        ("w591234567", ("rna",)),
        ("10001234565", ("rpps",)),
        ("1 0001 2345 65", ("rpps",)),
        ("W591234567", ("siret", "rna")),
        ("35600000049837", ("siret", "rna")),
    ],
)
def test_identifier_valid_values_are_accepted(value, kinds):
    assert identifier_problem(value, kinds) is None


@pytest.mark.parametrize(
    ("value", "kinds"),
    [
        ("59000012", ("finess",)),  # 8 characters
        ("2C0000123", ("finess",)),
        ("3560000000004", ("siret",)),
        ("X591234567", ("rna",)),
        ("W59123456", ("rna",)),
        ("1000123456", ("rpps",)),
        ("750712184", ("rpps",)),  # a FINESS where an RPPS is expected
    ],
)
def test_identifier_wrong_format_is_refused(value, kinds):
    assert identifier_problem(value, kinds).startswith("Identifiant invalide : attendu un numéro")


@pytest.mark.parametrize(
    ("value", "kinds", "name"),
    [
        ("750712185", ("finess",), "FINESS"),
        ("590000123", ("finess",), "FINESS"),
        ("2A0000155", ("finess",), "FINESS"),
        ("2A0000156", ("finess",), "FINESS"),  # valid only if 2A were read as 20
        ("2B0000021", ("finess",), "FINESS"),
        ("73282932000075", ("siret",), "SIRET"),
        ("35600000000049", ("siret",), "SIRET"),  # La Poste: digit sum 27
        ("35600000049838", ("siret",), "SIRET"),
        ("10001234567", ("rpps",), "RPPS"),
        ("35600000000049", ("siret", "rna"), "SIRET"),
        ("10001234567", ("rpps", "siret"), "RPPS"),
    ],
)
def test_identifier_wrong_key_is_refused_with_its_own_message(value, kinds, name):
    assert identifier_problem(value, kinds) == WRONG_KEY.format(name)


def test_identifier_message_names_every_accepted_kind():
    assert identifier_problem("123", ("siret", "rna")) == (
        "Identifiant invalide : attendu un numéro SIRET (14 chiffres) ou RNA (la lettre W suivie de 9 chiffres)."
    )


def test_definition_refuses_unknown_identifier_kind():
    broken = DEFINITION.read_text(encoding="utf-8").replace('identifiers = ["finess"]', 'identifiers = ["insee"]')

    with pytest.raises(ContestError) as refused:
        loads_contest(broken, source=DEFINITION.name)

    assert refused.value.errors == ["ssp-2017.toml: categories[1].identifiers: identifiants inconnus : insee"]

"""French identifiers of applicants, checked when given.

FINESS (establishments): 9 characters, the department (2 digits, or 2A/2B for Corsica) then
7 digits. SIRET (companies and associations with one): 14 digits with a valid Luhn key. RNA
(associations): "W" then 9 digits. RPPS (health professionals): 11 digits.
"""

from __future__ import annotations

import re

FORMATS = {
    "finess": (re.compile(r"(\d{2}|2A|2B)\d{7}"), "FINESS", "9 caractères : 2 chiffres (ou 2A, 2B) puis 7 chiffres"),
    "siret": (re.compile(r"\d{14}"), "SIRET", "14 chiffres"),
    "rna": (re.compile(r"W\d{9}"), "RNA", "la lettre W suivie de 9 chiffres"),
    "rpps": (re.compile(r"\d{11}"), "RPPS", "11 chiffres"),
}


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum used by SIRET numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise(value: str) -> str:
    """Spaces and dots are how people type these numbers; they are not part of them."""
    return re.sub(r"[\s.]", "", value).upper()


def identifier_problem(value: str, kinds: tuple[str, ...]) -> str | None:
    """None when ``value`` is a valid identifier of one of ``kinds``, else a French message."""
    value = normalise(value)
    for kind in kinds:
        pattern, _name, _shape = FORMATS[kind]
        if pattern.fullmatch(value) and (kind != "siret" or luhn_valid(value)):
            return None
    expected = " ou ".join(f"{FORMATS[k][1]} ({FORMATS[k][2]})" for k in kinds)
    return f"Identifiant invalide : attendu un numéro {expected}."

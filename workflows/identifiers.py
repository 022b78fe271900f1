"""French identifiers of applicants, checked when given: the format, then the key where there is one.

FINESS (establishments): 9 characters, the department (2 digits, or 2A/2B for Corsica), 6 digits
and a Luhn key over the first 8. SIRET (companies and associations with one): 14 digits, checked
by python-stdnum, which knows La Poste's exception. RNA (associations): "W" then 9 digits, no key.
RPPS (health professionals): 11 digits, the last a Luhn key.

Invariant: ``identifier_problem`` returns None or one French sentence; it accepts the numbers
people type, spaces and dots included (``normalise``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum import luhn
from stdnum.fr import siret

from workflows.texts import Text, _l

# kind -> (format, name, the name with the expected shape).
FORMATS = {
    "finess": (re.compile(r"(\d{2}|2A|2B)\d{7}"), "FINESS",
               _l("FINESS (9 caractères : 2 chiffres (ou 2A, 2B) puis 7 chiffres)")),
    "siret": (re.compile(r"\d{14}"), "SIRET", _l("SIRET (14 chiffres)")),
    "rna": (re.compile(r"W\d{9}"), "RNA", _l("RNA (la lettre W suivie de 9 chiffres)")),
    "rpps": (re.compile(r"\d{11}"), "RPPS", _l("RPPS (11 chiffres)")),
}

# In the key, Corsica's departments count as 21 (2A) and 22 (2B). No published rule was found;
# every published Corsican FINESS checked (6 in 2A, 14 in 2B, from ARS Corse decisions and the
# arrêté of 4 March 2015) has a valid key read this way, and none read as 20, 19/18 or the digits
# alone. The other departments' keys were checked on about 140 published FINESS numbers.
CORSICA_KEY_DIGITS = {"2A": "21", "2B": "22"}


def finess_key_valid(value: str) -> bool:
    """The Luhn key of a FINESS number (its 9th character) over the 8 before it."""
    return luhn.is_valid(CORSICA_KEY_DIGITS.get(value[:2], value[:2]) + value[2:])


# SIRET: stdnum applies the Luhn key and, for La Poste (SIREN 356 000 000), whose establishments'
# SIRETs have no Luhn key, its own rule: the sum of the digits is a multiple of 5.
# RPPS: the Luhn key over the 11 digits held for the 14 published RPPS numbers checked.
KEY_CHECKS: dict[str, Callable[[str], bool]] = {
    "finess": finess_key_valid,
    "siret": siret.is_valid,
    "rpps": luhn.is_valid,
}


def normalise(value: str) -> str:
    """Spaces and dots are how people type these numbers; they are not part of them."""
    return re.sub(r"[\s.]", "", value).upper()


def _either(items: list) -> Text:
    """« A ou B ou C », in each language."""
    either = items[0]
    for item in items[1:]:
        either = _l("%(either)s ou %(other)s", either=either, other=item)
    return either


def identifier_problem(value: str, kinds: tuple[str, ...]) -> Text | None:
    """None when ``value`` is a valid identifier of one of ``kinds``, else a French message."""
    value = normalise(value)
    wrong_key = []
    for kind in kinds:
        if not FORMATS[kind][0].fullmatch(value):
            continue
        if kind not in KEY_CHECKS or KEY_CHECKS[kind](value):
            return None
        wrong_key.append(FORMATS[kind][1])
    if wrong_key:  # the shape is right: the message must not tell the user to count the digits again
        return _l("Identifiant invalide : la clé de contrôle du numéro %(kinds)s ne correspond pas ; "
                  "vérifiez chaque chiffre.", kinds=_either(wrong_key))
    return _l("Identifiant invalide : attendu un numéro %(expected)s.",
              expected=_either([FORMATS[kind][2] for kind in kinds]))

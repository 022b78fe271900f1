"""What changes between two contest definitions, in French, for the organisers preparing an edition.

``differences(old, new)`` walks the ``Contest`` dataclasses field by field: a scalar prints
« avant → après »; a nested table names its field; a list of tables (criteria, regions, file types,
…) is matched by its first field (key, code, value, extension) and reports what was added, removed
or changed, and a new order. Nothing is left out silently: a field without a French label fails.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from fractions import Fraction

from workflows.definition import Contest
from workflows.texts import french_date, french_moment

LABELS = {
    # the contest
    "slug": "identifiant", "name": "nom", "title": "thème", "edition": "numéro d’édition",
    "organisers": "organisateurs", "timezone": "fuseau horaire", "cross_sector_note": "note sur les secteurs",
    "calendar": "calendrier", "categories": "catégories de candidats", "sectors": "secteurs",
    "modalities": "modalités du partenariat", "project_stages": "stades du projet", "domains": "domaines",
    "criteria": "critères", "scale": "échelle de notation", "tie_break": "ordre de départage",
    "disagreement_threshold": "seuil de désaccord", "winners": "nombre de lauréats",
    "attachments": "pièces jointes", "regions": "régions", "quota": "projets retenus par région",
    "attestations": "attestations", "limits": "longueurs maximales", "data": "données personnelles",
    # calendar
    "submission_deadline": "date limite de dépôt", "week_start": "début de la semaine",
    "week_end": "fin de la semaine", "ceremony": "cérémonie", "submissions_open": "ouverture des dépôts",
    # items
    "key": "clé", "label": "libellé", "hint": "précision", "requires_text": "texte à préciser",
    "label_en": "libellé en anglais", "hint_en": "précision en anglais", "description_en": "description en anglais",
    "identifiers": "identifiants", "description": "description", "weight": "poids", "levels": "niveaux",
    "min": "minimum", "max": "maximum", "value": "valeur", "file_types": "types de fichiers",
    "max_count": "nombre maximal", "max_bytes": "taille maximale (octets)", "examples": "exemples",
    "extension": "extension", "mime": "type MIME", "code": "code", "required": "obligatoire",
    # limits
    "project_title": "titre du projet", "summary": "résumé", "criterion_answer": "réponse à un critère",
    "reason": "motif",
    # personal data
    "retention_months": "durée de conservation (mois après la publication des résultats)",
}


def _shown(value, contest: Contest) -> str:
    if value is None:
        return "aucune"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return french_moment(value.astimezone(contest.tz))
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, Fraction):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        return f"« {value} »"
    if isinstance(value, tuple):
        return ", ".join(_shown(item, contest) for item in value) or "aucun"
    return str(value)


def _identity(item) -> str:
    return getattr(item, fields(item)[0].name)


def _describe(item, contest: Contest) -> str:
    """« clé » (libellé) of a table in a list."""
    label = getattr(item, "label", None) or getattr(item, "name", None)
    return f"« {_identity(item)} »" + (f" ({label})" if label else "")


def _compare(old, new, path: str, old_contest: Contest, new_contest: Contest):
    if old == new:
        return
    if is_dataclass(old) and is_dataclass(new):
        for f in fields(old):
            yield from _compare(getattr(old, f.name), getattr(new, f.name), f"{path} — {LABELS[f.name]}",
                                old_contest, new_contest)
    elif isinstance(old, tuple) and (old + new) and all(is_dataclass(item) for item in old + new):
        yield from _compare_tables(old, new, path, old_contest, new_contest)
    else:
        yield f"{path} : {_shown(old, old_contest)} → {_shown(new, new_contest)}"


def _compare_tables(old: tuple, new: tuple, path: str, old_contest: Contest, new_contest: Contest):
    before = {_identity(item): item for item in old}
    after = {_identity(item): item for item in new}
    for key, item in before.items():
        if key not in after:
            yield f"{path} : retrait de {_describe(item, old_contest)}"
    for key, item in after.items():
        if key not in before:
            yield f"{path} : ajout de {_describe(item, new_contest)}"
        else:
            yield from _compare(before[key], item, f"{path} — « {key} »", old_contest, new_contest)
    kept_before = [key for key in before if key in after]
    kept_after = [key for key in after if key in before]
    if kept_before != kept_after:
        yield f"{path} : nouvel ordre {', '.join(kept_after)}"


def differences(old: Contest, new: Contest) -> list[str]:
    """Every change from ``old`` to ``new``, one French line each, in the order of the file."""
    lines = []
    for f in fields(Contest):
        label = LABELS[f.name]
        lines += _compare(getattr(old, f.name), getattr(new, f.name), label[0].upper() + label[1:], old, new)
    return lines

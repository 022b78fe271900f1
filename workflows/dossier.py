"""What a complete dossier holds, read from the contest definition.

Invariants: ``missing_fields`` is the only place that decides completeness (the submit guard
receives its labels through ``missing_items`` and ``Facts.missing_items``, and the dossier page
lists the same items, each linked to its field); ``STEPS`` is the only place that groups the
fields into the steps the candidate fills in, one page each;
``dossier_problems`` is the only place that decides which values a dossier may hold, draft or
not; ``edit_blockers`` is the only place that decides when the candidate may change it.
The dossier is a plain mapping (field name -> value), so the rules run without a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from workflows.definition import Choice, Contest
from workflows.identifiers import identifier_problem
from workflows.lifecycle import Act, Moment, refusal
from workflows.states import State
from workflows.texts import Text, Wording, _l

# The dossier's plain fields, then the per-criterion answers and the attestations (mappings).
FIELDS = (
    "category", "structure_name", "identifier", "sectors", "contact_name", "contact_function",
    "contact_email", "contact_phone", "title", "summary", "description", "modalities", "domains",
    "domain_other", "project_stage", "link",
)
MAPPINGS = ("answers", "attestations")
# The fields that may name or identify a person (an RPPS number is a professional's own): an edit's
# audit row keeps their names only, not their values, since the log cannot be erased.
PERSONAL_FIELDS = ("identifier", "contact_name", "contact_function", "contact_email", "contact_phone", "partners")

REQUIRED_TEXTS = (
    ("category", _l("la catégorie du candidat")),
    ("structure_name", _l("le nom de la structure")),
    ("contact_name", _l("le nom de la personne à contacter")),
    ("contact_email", _l("l’adresse électronique de la personne à contacter")),
    ("title", _l("le titre du projet")),
    ("summary", _l("le résumé du projet")),
    ("description", _l("la description du projet")),
    ("project_stage", _l("l’état d’avancement du projet")),
)
REQUIRED_LISTS = (
    ("sectors", _l("au moins un secteur")),
    ("modalities", _l("au moins une modalité du partenariat")),
    ("domains", _l("au moins un domaine du partenariat")),
)
PARTNER_SIDES = (
    ("usager", _l("un partenaire côté usagers (usager, association de patients ou représentant des usagers)")),
    ("soignant", _l("un partenaire côté professionnels de santé")),
)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_fields(dossier: Mapping, rules: Contest) -> tuple[tuple[str, Text], ...]:
    """What the dossier still lacks before it can be submitted: (the form field to fill in, its French label)."""
    missing = [(field, label) for field, label in REQUIRED_TEXTS if _blank(dossier.get(field))]
    missing += [(field, label) for field, label in REQUIRED_LISTS if not dossier.get(field)]
    sides = {partner.get("side") for partner in dossier.get("partners", ())}
    missing += [("partners", label) for side, label in PARTNER_SIDES if side not in sides]
    needs_text = {choice.key for choice in rules.domains if choice.requires_text}
    if needs_text & set(dossier.get("domains", ())) and _blank(dossier.get("domain_other")):
        missing.append(("domain_other", _l("la précision du domaine « autre »")))
    answers = dossier.get("answers") or {}
    missing += [
        (f"answer_{criterion.key}", _l("la réponse au critère « %(criterion)s »",
                                          criterion=Wording(criterion)))
        for criterion in rules.criteria
        if _blank(answers.get(criterion.key))
    ]
    attestations = dossier.get("attestations") or {}
    missing += [
        (f"attestation_{attestation.key}", _l("l’attestation « %(attestation)s »",
                                                  attestation=Wording(attestation)))
        for attestation in rules.attestations
        if attestation.required and not attestations.get(attestation.key)
    ]
    return tuple(missing)


def missing_items(dossier: Mapping, rules: Contest) -> tuple[Text, ...]:
    """French labels of what the dossier still lacks before it can be submitted."""
    return tuple(label for _field, label in missing_fields(dossier, rules))


@dataclass(frozen=True)
class Step:
    """One page of the dossier form: the dossier keys it holds (plain fields, ``partners``, ``answers``,
    ``attestations``), saved together. The last step also reviews the dossier and submits it."""

    key: str
    title: Text
    keys: tuple[str, ...]


# The dossier's sections in the order the candidate fills them in; every dossier key is on one step.
STEPS = (
    Step("candidat", _l("Le candidat"), ("category", "structure_name", "identifier", "sectors", "contact_name",
                                         "contact_function", "contact_email", "contact_phone")),
    Step("partenariat", _l("Le partenariat entre usagers et soignants"), ("partners", "modalities")),
    Step("projet", _l("Le projet"), ("title", "summary", "description", "domains", "domain_other",
                                     "project_stage", "link")),
    Step("criteres", _l("Les critères du concours"), ("answers",)),
    Step("depot", _l("Attestations et dépôt"), ("attestations",)),
)


def dossier_key(field: str) -> str:
    """The dossier key a form field (or a problem's field) belongs to: ``answer_x`` to ``answers``,
    ``partners-0-name`` to ``partners``."""
    for prefix, key in (("answer_", "answers"), ("attestation_", "attestations"), ("partners", "partners")):
        if field.startswith(prefix):
            return key
    return field


def step_of(field: str) -> int:
    """The number (from 1) of the step that holds a form field."""
    key = dossier_key(field)
    return next(number for number, step in enumerate(STEPS, 1) if key in step.keys)


# Why an organiser may set a dossier aside: stored key -> French label.
INADMISSIBILITY_REASONS = {
    "categorie": _l("Catégorie de candidat non éligible"),
    "commercial": _l("Projet à visée commerciale"),
    "incomplet": _l("Dossier incomplet"),
    "hors_champ": _l("Projet hors du champ du concours"),
    "doublon": _l("Doublon d’un autre dossier"),
}

EDITABLE_STATES = (State.DRAFT, State.SUBMITTED)
SHORT_TEXT = 300  # names, functions, titles of partners: one line each
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[\d .()-]{6,20}")


def edit_blockers(state: State, now: datetime, rules: Contest) -> list[Text]:
    """French reasons why the candidate may not change the dossier (or its attachments) now."""
    if state not in EDITABLE_STATES:
        return [_l("Ce dossier ne peut plus être modifié : il est à l’état « %(state)s ».", state=state.label)]
    late = refusal(Act.EDIT_DOSSIER, Moment.at(now, rules), rules)
    return [_l("%(reason)s Le dossier n’est plus modifiable.", reason=late)] if late else []


def dossier_problems(dossier: Mapping, rules: Contest) -> dict[str, Text]:
    """Field -> French message for every value the dossier may not hold, complete or not."""
    problems: dict[str, str] = {}

    def check(field: str, failed: bool, message: Text) -> None:
        if failed and field not in problems:
            problems[field] = message

    def too_long(field: str, limit: int) -> None:
        value = dossier.get(field) or ""
        check(field, len(value) > limit, _l("%(limit)s caractères au maximum (%(typed)s saisis).",
                                            limit=limit, typed=len(value)))

    def choices(field: str, allowed: tuple[Choice, ...], values) -> None:
        keys = {choice.key for choice in allowed}
        check(field, any(value not in keys for value in values), _l("Choix inconnu : rechargez la page et réessayez."))

    categories = {choice.key: choice for choice in rules.categories}
    choices("category", rules.categories, [dossier["category"]] if dossier.get("category") else [])
    for field, allowed in (("sectors", rules.sectors), ("modalities", rules.modalities), ("domains", rules.domains)):
        choices(field, allowed, dossier.get(field) or [])
    choices("project_stage", rules.project_stages, [dossier["project_stage"]] if dossier.get("project_stage") else [])
    identifier, category = dossier.get("identifier"), categories.get(dossier.get("category"))
    if identifier and category and category.identifiers:
        message = identifier_problem(identifier, category.identifiers)
        check("identifier", message is not None, message)
    too_long("title", rules.limits.project_title)
    too_long("summary", rules.limits.summary)
    too_long("description", rules.limits.description)
    for field in ("structure_name", "contact_name", "contact_function", "domain_other"):
        too_long(field, SHORT_TEXT)
    for key, answer in (dossier.get("answers") or {}).items():
        check(f"answer_{key}", len(answer or "") > rules.limits.criterion_answer,
              _l("%(limit)s caractères au maximum (%(typed)s saisis).",
                 limit=rules.limits.criterion_answer, typed=len(answer or "")))
    email, phone, link = dossier.get("contact_email"), dossier.get("contact_phone"), dossier.get("link")
    check("contact_email", bool(email) and not EMAIL.fullmatch(email), _l("Adresse électronique invalide."))
    check("contact_phone", bool(phone) and not PHONE.fullmatch(phone), _l("Numéro de téléphone invalide."))
    check("link", bool(link) and (not re.fullmatch(r"https?://\S+", link) or len(link) > 500),
          _l("Le lien doit commencer par https:// (500 caractères au maximum)."))
    # Each partner's problem on its own field (``partners-1-side``), named by the partner's number: the
    # candidate sees which row to fix, beside the field.
    for index, partner in enumerate(dossier.get("partners") or ()):
        check(f"partners-{index}-side", partner.get("side") not in {"usager", "soignant"},
              _l("Partenaire %(number)s : indiquez son côté (usagers ou professionnels).", number=index + 1))
        check(f"partners-{index}-name", not partner.get("name"),
              _l("Partenaire %(number)s : indiquez son nom.", number=index + 1))
        for key in ("name", "organisation", "role"):
            typed = len(partner.get(key) or "")
            check(f"partners-{index}-{key}", typed > SHORT_TEXT,
                  _l("%(limit)s caractères au maximum (%(typed)s saisis).", limit=SHORT_TEXT, typed=typed))
    return problems


def text_problem(text: str, rules: Contest) -> Text | None:
    """The length rule of every written opinion or reason (limits.reason of the definition)."""
    limit = rules.limits.reason
    if len(text.strip()) > limit:
        return _l("Le texte ne doit pas dépasser %(limit)s caractères (%(typed)s saisis).",
                  limit=limit, typed=len(text.strip()))
    return None

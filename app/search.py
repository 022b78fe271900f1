"""Search and filters on the lists of dossiers that can grow (the ARS dashboard and ranking, the national
shortlist, a juror's list, the tables exported from them): by state, applicant category, sector, domain
and text.

One reading of the query string for every list: an unknown value filters nothing (a stale link
never shows an empty list by mistake), and the filters become SQL conditions on ``Candidature``.
An export reached from a filtered list reads the same arguments, so the file holds the list's rows.

The text is found without case, accents or ligatures (« securite » finds « Sécurité », « oeuvre »
finds « Œuvre ») in the dossier's ``search_text``, folded by Python when the row is written: the
database compares plain strings, so SQLite and PostgreSQL find the same rows (no ``unaccent``
extension to install, no SQL function to register on each SQLite connection).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import request
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import worded
from app.models import Candidature
from workflows.definition import Contest
from workflows.folding import fold
from workflows.states import State

TEXT_LIMIT = 200
# The states each list can show, which its state filter offers.
HANDED_IN = tuple(state for state in State if state != State.DRAFT)  # the ARS dashboard and its exports
SHORTLISTED = (State.NATIONAL_SHORTLIST, State.WINNER, State.NATIONAL_NOT_SELECTED)  # a pick, then its outcome


def _listed(column, key: str):
    """``key`` is in the JSON list ``column``: the list's text holds it quoted (keys are the definition's
    slugs, checked before they reach here), which reads the same on SQLite and PostgreSQL."""
    return db.cast(column, db.String).contains(f'"{key}"', autoescape=True)


@dataclass(frozen=True)
class DossierFilter:
    etat: str = ""
    categorie: str = ""
    secteur: str = ""
    domaine: str = ""
    q: str = ""

    @classmethod
    def from_request(cls, contest: Contest, states: tuple[State, ...]) -> DossierFilter:
        def known(name: str, keys) -> str:
            value = request.args.get(name, "")
            return value if value in keys else ""

        return cls(etat=known("etat", {state.value for state in states}),
                   categorie=known("categorie", {choice.key for choice in contest.categories}),
                   secteur=known("secteur", {choice.key for choice in contest.sectors}),
                   domaine=known("domaine", {choice.key for choice in contest.domains}),
                   q=" ".join(request.args.get("q", "").split())[:TEXT_LIMIT])

    @property
    def active(self) -> bool:
        return any(asdict(self).values())

    @property
    def args(self) -> dict[str, str]:
        """The filters as query-string arguments, for the pages' links (empty ones left out)."""
        return {name: value for name, value in asdict(self).items() if value}

    @staticmethod
    def choices(contest: Contest, states: tuple[State, ...]) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(name, label, [(key, label)]) of each select of the form, in its order."""
        def pairs(choices) -> list[tuple[str, str]]:  # an <option> holds text only: no lang mark-up
            return [(choice.key, worded(choice, markup=False)) for choice in choices]

        return [("etat", _l("État"), [(state.value, state.label) for state in states]),
                ("categorie", _l("Catégorie"), pairs(contest.categories)),
                ("secteur", _l("Secteur"), pairs(contest.sectors)),
                ("domaine", _l("Domaine"), pairs(contest.domains))]

    def conditions(self) -> list:
        found = []
        if self.etat:
            found.append(Candidature.state == self.etat)
        if self.categorie:
            found.append(Candidature.category == self.categorie)
        if self.secteur:
            found.append(_listed(Candidature.sectors, self.secteur))
        if self.domaine:
            found.append(_listed(Candidature.domains, self.domaine))
        if self.q:
            found.append(Candidature.search_text.contains(fold(self.q), autoescape=True))
        return found

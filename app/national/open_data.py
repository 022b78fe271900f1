"""The published results as open data: one list of public fields (``FIELDS``) drives the results page,
the CSV, the JSON and their Table Schema, so that none of them can show a field the others do not.

What is published: the regional picks (the winners among them) of an edition whose results are
published, and of those only the projects whose candidate consented to publication (the definition's
attestation « publication »); of the others, their number only. The fields describe the project, never
a person: no contact, no partner's name, no identifier (an RPPS number is a person's), nothing of the
jury (marks, opinions, jurors). They are all fields that an erasure keeps (``app.privacy.erasure``
blanks the contact and the partners' names, keeps the partners' sides), so an anonymised dossier
publishes exactly what it published before.

Reading an edition's results costs three queries whatever the number of picks: the picks with their
regions, their partners, and the edition itself when it is looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from app.exports.tables import Sheet
from app.extensions import db
from app.models import Candidature, Edition, Region, RegionalPick
from app.urls import absolute_url
from workflows.definition import Choice, Contest
from workflows.states import State

CONSENT = "publication"  # the attestation by which a candidate agrees to the project being made public
WINNER, PICK = "laureat_national", "retenu_region"
OUTCOMES = {WINNER: _l("Lauréat national"), PICK: _l("Retenu par sa région")}
# Several codes in one CSV cell, as the organisers' exports write them; the JSON gives a list.
SEPARATOR = " ; "
SEVERAL = _l("Dans le CSV, codes séparés par « ; » ; dans le JSON, une liste.")

Value = str | int | list[str] | None


@dataclass(frozen=True)
class Field:
    """A published column: its name in the files, its wording (French, English through the catalogue),
    its Table Schema type and how it is read from a consenting pick."""

    name: str
    title: str
    description: str
    read: Callable[[Candidature, Contest], Value]
    type: str = "string"  # a Table Schema type
    format: str = "default"
    choices: Callable[[Contest], tuple[Choice, ...]] | None = None  # the definition's list the codes come from
    several: bool = False  # a list of codes
    enum: tuple[str, ...] = ()
    required: bool = False
    heading: bool = False  # shown on the page in the headings (edition, region, outcome, title, structure)

    @property
    def kind(self) -> str:
        """What the values are, for the schema page."""
        if self.several:
            return _l("liste de codes")
        if self.choices or self.enum:
            return _l("code")
        if self.type == "integer":
            return _l("nombre entier")
        return _l("adresse web") if self.format == "uri" else _l("texte")

    def codes(self, contest: Contest) -> list[tuple[str, object]]:
        """The codes the field may hold, with their wording (a definition's choice, or an outcome's label)."""
        if self.choices:
            return [(choice.key, choice) for choice in self.choices(contest)]
        return [(code, OUTCOMES[code]) for code in self.enum]

    def chosen(self, value: Value, contest: Contest) -> list[object]:
        """The wording of the codes ``value`` holds, in the definition's order (for the page)."""
        held = set(value if isinstance(value, list) else [value])
        return [wording for code, wording in self.codes(contest) if code in held]


def _partners(side: str) -> Callable[[Candidature, Contest], int]:
    return lambda candidature, _contest: sum(partner.side == side for partner in candidature.partners)


FIELDS: tuple[Field, ...] = (
    Field("edition", _l("Édition"), _l("Identifiant de l’édition du concours (son fichier de règlement)."),
          lambda c, contest: contest.slug, required=True, heading=True),
    Field("edition_nom", _l("Nom de l’édition"), _l("Nom de l’édition du concours."),
          lambda c, contest: contest.name, required=True, heading=True),
    Field("region_code", _l("Code de la région"),
          _l("Code de la région (agence régionale de santé) qui a retenu le projet."),
          lambda c, contest: c.region.code, required=True, heading=True),
    Field("region_nom", _l("Région"), _l("Nom de la région qui a retenu le projet."),
          lambda c, contest: c.region.name, required=True, heading=True),
    Field("resultat", _l("Résultat"),
          _l("« laureat_national » : projet primé par le jury national ; « retenu_region » : projet retenu par "
             "sa région pour l’étape nationale."),
          lambda c, contest: WINNER if c.state == State.WINNER.value else PICK, enum=(WINNER, PICK), required=True,
          heading=True),
    Field("titre", _l("Titre du projet"), _l("Titre du projet, tel que le porteur l’a écrit."),
          lambda c, contest: c.title, required=True, heading=True),
    Field("resume", _l("Résumé"), _l("Résumé du projet, tel que le porteur l’a écrit."),
          lambda c, contest: c.summary),
    Field("structure", _l("Structure porteuse"), _l("Nom de la structure qui porte le projet."),
          lambda c, contest: c.structure_name, heading=True),
    Field("categorie", _l("Catégorie de candidat"), _l("Catégorie du porteur, parmi celles du règlement."),
          lambda c, contest: c.category, choices=attrgetter("categories")),
    Field("secteurs", _l("Secteurs"), _l("Secteurs concernés par le projet (ville, médico-social, sanitaire)."),
          lambda c, contest: list(c.sectors or []), choices=attrgetter("sectors"), several=True),
    Field("modalites", _l("Modalités du partenariat"),
          _l("Modalités du partenariat entre usagers et soignants (co-construction, concertation…)."),
          lambda c, contest: list(c.modalities or []), choices=attrgetter("modalities"), several=True),
    Field("domaines", _l("Domaines"), _l("Domaines dans lesquels le projet s’inscrit."),
          lambda c, contest: list(c.domains or []), choices=attrgetter("domains"), several=True),
    Field("domaine_autre", _l("Autre domaine"), _l("Le domaine précisé par le porteur quand il a choisi « autre »."),
          lambda c, contest: c.domain_other),
    Field("etat_avancement", _l("État d’avancement"), _l("Où en était le projet lors de sa candidature."),
          lambda c, contest: c.project_stage, choices=attrgetter("project_stages")),
    Field("lien", _l("Lien"), _l("Page web présentant le projet, donnée par le porteur."),
          lambda c, contest: c.link, format="uri"),
    Field("partenaires_usagers", _l("Partenaires usagers"),
          _l("Nombre de partenaires du côté des usagers (patients, associations) ; leurs noms ne sont pas publiés."),
          _partners("usager"), type="integer", required=True),
    Field("partenaires_soignants", _l("Partenaires soignants"),
          _l("Nombre de partenaires du côté des soignants ; leurs noms ne sont pas publiés."),
          _partners("soignant"), type="integer", required=True),
)
DETAILS = tuple(field for field in FIELDS if not field.heading)


def consented(candidature: Candidature) -> bool:
    """The candidate ticked the publication attestation (an absent or any other value is a refusal)."""
    return (candidature.attestations or {}).get(CONSENT) is True


@dataclass(frozen=True)
class PublishedResults:
    """What the public may read of an edition's results."""

    edition: Edition
    projects: tuple[dict[str, Value], ...]  # the consenting picks' fields, winners first, then by region
    # Picks whose candidates did not consent: counted, nothing else (the winners apart, which the page
    # says are not named).
    undisclosed_picks: int
    undisclosed_winners: int

    @property
    def winners(self) -> list[dict[str, Value]]:
        return [project for project in self.projects if project["resultat"] == WINNER]

    def by_region(self) -> list[tuple[str, list[dict[str, Value]]]]:
        """The other consenting picks, by region (in the definition's order)."""
        picks = [project for project in self.projects if project["resultat"] == PICK]
        return [(name, list(group)) for name, group in groupby(picks, key=lambda project: project["region_nom"])]


def published_results(edition: Edition) -> PublishedResults | None:
    """The edition's public results; None until they are published, whatever the caller asks."""
    if edition.published_at is None:
        return None
    contest = edition.contest
    picks = db.session.scalars(
        db.select(Candidature).join(RegionalPick, RegionalPick.candidature_id == Candidature.id)
        .join(Region, Region.id == Candidature.region_id).where(Candidature.edition_id == edition.id)
        .options(contains_eager(Candidature.region), selectinload(Candidature.partners))
        .order_by(db.case((Candidature.state == State.WINNER.value, 0), else_=1), Region.id, RegionalPick.slot)
    ).all()
    public = [pick for pick in picks if consented(pick)]
    hidden = [pick for pick in picks if not consented(pick)]
    return PublishedResults(
        edition, tuple({field.name: field.read(pick, contest) for field in FIELDS} for pick in public),
        sum(pick.state != State.WINNER.value for pick in hidden), sum(pick.state == State.WINNER.value for pick in hidden))


def _cell(value: Value) -> str | int | None:
    return SEPARATOR.join(value) if isinstance(value, list) else value


def results_sheet(results: PublishedResults) -> Sheet:
    """The CSV's table: a column per field, named as in the schema."""
    return Sheet(results.edition.slug, tuple(field.name for field in FIELDS),
                 (tuple(_cell(project[field.name]) for field in FIELDS) for project in results.projects))


def results_document(results: PublishedResults) -> dict:
    """The JSON document: the edition, when it was published (Paris time), the schema's address, the projects."""
    edition = results.edition
    return {"edition": edition.slug,
            "published_at": edition.published_at.astimezone(edition.contest.tz).isoformat(),
            "schema": absolute_url("results.table_schema_file"),
            "projects": list(results.projects)}


def _worded(text, language: str) -> str:
    with force_locale(language):
        return str(text)


def _schema_field(field: Field) -> dict:
    described = {"name": field.name, "type": field.type, "title": _worded(field.title, "fr"),
                 "description": _worded(field.description, "fr"), "title_en": _worded(field.title, "en"),
                 "description_en": _worded(field.description, "en")}
    if field.several:
        for key, language in (("description", "fr"), ("description_en", "en")):
            described[key] += " " + _worded(SEVERAL, language)
    if field.format != "default":
        described["format"] = field.format
    constraints = {"required": True} if field.required else {}
    if field.enum:
        constraints["enum"] = list(field.enum)
    if field.type == "integer":
        constraints["minimum"] = 0
    if constraints:
        described["constraints"] = constraints
    return described


def table_schema() -> dict:
    """The files' Table Schema (frictionless, as schema.data.gouv.fr reads it), in French with English beside.
    Codes of categories, sectors, modalities, domains and stages are the edition's definition's: the
    schema page lists them with their wording."""
    return {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": "resultats-concours-securite-patients",
        "title": "Résultats du concours de la Semaine de la sécurité des patients",
        "title_en": "Results of the Patient Safety Week contest",
        "description": ("Projets retenus par les régions et lauréats nationaux, publiés avec l’accord de leurs "
                        "porteurs. Fichier CSV en UTF-8 avec BOM, séparateur « ; »."),
        "description_en": ("Projects picked by the regions and national winners, published with their holders’ "
                           "consent. CSV file in UTF-8 with a BOM, separator “;”."),
        "homepage": absolute_url("results.schema"),
        "missingValues": [""],
        "fields": [_schema_field(field) for field in FIELDS],
    }

"""``flask --app app demo``: a demonstration edition, one account per role, a few candidatures.

Idempotent: a second run finds everything in place and only prints the logins again. The demo
edition is the 2017 definition with its calendar shifted so that the deadline is a few days
ahead; the real 2017 edition is left alone.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import tomli_w
from flask import current_app

from app.accounts import create_user
from app.candidatures.operations import create_candidature, declare_inadmissible, submit_candidature, withdraw_candidature
from app.clock import now as clock_now
from app.editions import load_edition
from app.extensions import db
from app.models import Candidature, Edition, Partner, User
from workflows.definition import shift_calendar
from workflows.states import Role

DEMO_SLUG = "ssp-demo"
DEMO_PASSWORD = "demo-concours-ssp"  # printed by the command; the demo refuses to run in production
DAYS_BEFORE_DEADLINE = 5

ACCOUNTS = (
    ("candidat@demo.concours.invalid", Role.CANDIDATE, None, "Jeanne Martin"),
    ("candidat2@demo.concours.invalid", Role.CANDIDATE, None, "Karim Benali"),
    ("jure.hdf@demo.concours.invalid", Role.REGIONAL_JUROR, "HDF", "Paul Lefebvre"),
    ("ars.hdf@demo.concours.invalid", Role.REGIONAL_ORGANISER, "HDF", "ARS Hauts-de-France"),
    ("jure.idf@demo.concours.invalid", Role.REGIONAL_JUROR, "IDF", "Sophie Nguyen"),
    ("ars.idf@demo.concours.invalid", Role.REGIONAL_ORGANISER, "IDF", "ARS Île-de-France"),
    ("jure.national@demo.concours.invalid", Role.NATIONAL_JUROR, None, "Marc Durand"),
    ("national@demo.concours.invalid", Role.NATIONAL_ORGANISER, None, "DGOS"),
    ("admin@demo.concours.invalid", Role.ADMIN, None, "Administrateur"),
)


def demo_definition(source: Path, now: datetime) -> str:
    """The definition file with the deadline moved to midnight (contest time) a few days after ``now``."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    deadline = data["calendar"]["submission_deadline"]
    # The file's offsets are fixed (+02:00 in October): midnight is computed in the contest's zone.
    zone = ZoneInfo(data["contest"]["timezone"])
    target = datetime.combine(now.astimezone(zone).date() + timedelta(days=DAYS_BEFORE_DEADLINE), time(0), zone)
    shifted = shift_calendar(data, target - deadline)
    shifted["contest"]["slug"] = DEMO_SLUG
    shifted["contest"]["name"] += " (démonstration)"
    return tomli_w.dumps(shifted)


def complete_dossier(candidature: Candidature, title: str, structure: str) -> None:
    """Fill every field the definition asks for, as a candidate would."""
    contest = candidature.edition.contest
    candidature.category = contest.categories[0].key
    candidature.structure_name = structure
    candidature.sectors = [contest.sectors[0].key, contest.sectors[2].key]
    candidature.contact_name = candidature.owner.display_name
    candidature.contact_function = "Chargée de mission qualité"
    candidature.contact_email = candidature.owner.email
    candidature.contact_phone = "03 20 00 00 00"
    candidature.title = title
    candidature.summary = "Des usagers et des soignants conçoivent ensemble un livret de sortie d’hospitalisation."
    candidature.description = "Le projet réunit la commission des usagers et l’équipe de soins depuis 2016."
    candidature.modalities = [contest.modalities[0].key]
    candidature.domains = [contest.domains[4].key]
    candidature.project_stage = contest.project_stages[1].key
    candidature.answers = {c.key: f"Notre réponse sur « {c.label} »." for c in contest.criteria}
    candidature.attestations = {a.key: True for a in contest.attestations}
    candidature.partners = [
        Partner(side="usager", name="Association des patients du Nord", organisation="France Assos Santé", role="Co-pilote", position=0),
        Partner(side="soignant", name="Dr Claire Petit", organisation=structure, role="Médecin référente", position=1),
    ]


def _ensure_accounts(edition: Edition, now: datetime) -> dict[str, User]:
    users = {}
    for email, role, region, name in ACCOUNTS:
        user = db.session.scalar(db.select(User).filter_by(email=email))
        users[email] = user or create_user(email=email, password=DEMO_PASSWORD, role=role, region_code=region,
                                           edition_slug=edition.slug, display_name=name, now=now, verified=True)
    return users


def _seed_candidatures(edition: Edition, users: dict[str, User], now: datetime) -> None:
    regions = {region.code: region for region in edition.regions}
    jeanne, karim = users["candidat@demo.concours.invalid"], users["candidat2@demo.concours.invalid"]

    draft = create_candidature(owner=jeanne, edition=edition, region=regions["HDF"], now=now)
    draft.title = "Un carnet de liaison partagé en EHPAD"

    submitted = create_candidature(owner=jeanne, edition=edition, region=regions["HDF"], now=now)
    complete_dossier(submitted, "Patients traceurs de leur sortie d’hospitalisation", "Centre hospitalier de Lens")
    submit_candidature(submitted, actor=jeanne, now=now)

    withdrawn = create_candidature(owner=karim, edition=edition, region=regions["HDF"], now=now)
    withdrawn.title = "Projet abandonné"
    withdraw_candidature(withdrawn, actor=karim, now=now)

    idf = create_candidature(owner=karim, edition=edition, region=regions["IDF"], now=now)
    complete_dossier(idf, "Identito-vigilance : le patient acteur de son bracelet", "Maison de santé de Saint-Denis")
    submit_candidature(idf, actor=karim, now=now)

    refused = create_candidature(owner=karim, edition=edition, region=regions["IDF"], now=now)
    complete_dossier(refused, "Vente de piluliers connectés", "Société Pilulo")
    submit_candidature(refused, actor=karim, now=now)
    declare_inadmissible(refused, actor=users["ars.idf@demo.concours.invalid"], now=now, code="commercial",
                         reason="Le projet est de nature commerciale.")


@click.command("demo")
def demo_command() -> None:
    """Create the demonstration edition, accounts and candidatures (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("La démonstration ne s’installe pas en production.")
    now = clock_now()
    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    if edition is None:
        text = demo_definition(Path(current_app.config["CONTEST_FILE"]), now)
        edition, _created = load_edition(text, source=f"{DEMO_SLUG}.toml", now=now)
    users = _ensure_accounts(edition, now)
    if not db.session.scalar(db.select(db.func.count(Candidature.id)).filter_by(edition_id=edition.id)):
        _seed_candidatures(edition, users, now)
    db.session.commit()
    click.echo(f"Édition de démonstration « {edition.slug} » : dépôt jusqu’au "
               f"{edition.contest.deadline_label}.")
    click.echo(f"Comptes (mot de passe commun : {DEMO_PASSWORD}) :")
    for email, role, region, _name in ACCOUNTS:
        click.echo(f"  {email:40} {role.label}{f' ({region})' if region else ''}")

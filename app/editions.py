"""Creating and updating editions from definition files."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.audit import record
from app.extensions import db
from app.models import AuditEntry, Candidature, Edition, Region, RoleMembership
from workflows.definition import Contest, loads_contest
from workflows.refusals import Refused
from workflows.states import State

# What candidatures and scoresheets were built on: frozen once the first candidature exists.
FROZEN_PARTS = {
    "criteria": "les critères",
    "scale": "l’échelle de notation",
    "attachments": "les limites des pièces jointes",
    "quota": "le nombre de projets retenus par région",
    "limits": "les limites de longueur des textes",
    "categories": "les catégories de candidats",
}


def current_edition() -> Edition | None:
    """The open edition, shown on the home page and acted on: the one with the latest deadline (an
    older edition loaded afterwards, to keep its record, does not take its place)."""
    return db.session.scalar(
        db.select(Edition).order_by(Edition.submission_deadline.desc(), Edition.id.desc()).limit(1))


def published_editions() -> list[Edition]:
    """The editions whose results are public, the most recent first."""
    return db.session.scalars(db.select(Edition).where(Edition.published_at.is_not(None))
                              .order_by(Edition.submission_deadline.desc())).all()


# What an upload request carries besides its one file: the form's other fields.
FORM_ROOM = 1024 * 1024


def _server_limits(contest: Contest) -> list[str]:
    """Limits of this server (not of the code or the schema) that a definition cannot go beyond."""
    ceiling = current_app.config.get("MAX_CONTENT_LENGTH")
    if ceiling and contest.attachments.max_bytes + FORM_ROOM > ceiling:
        return [f"attachments.max_bytes : ce serveur accepte des fichiers de {(ceiling - FORM_ROOM) // 1024 ** 2} Mo "
                "au plus ; augmentez MAX_CONTENT_LENGTH (octets) dans l’environnement pour en accepter de plus "
                "gros."]
    return []


def load_edition(toml_text: str, *, source: str, now: datetime) -> tuple[Edition, bool]:
    """Create or update the edition a definition describes; returns (edition, created)."""
    contest = loads_contest(toml_text, source=source)
    if problems := _server_limits(contest):
        raise Refused(problems)
    edition = db.session.scalar(db.select(Edition).filter_by(slug=contest.slug))
    created = edition is None
    if created:
        edition = Edition(slug=contest.slug, created_at=now)
        db.session.add(edition)
    else:
        _check_update_allowed(edition, contest)
    edition.title = contest.title
    edition.definition_toml = toml_text
    edition.submission_deadline = contest.calendar.submission_deadline
    edition.max_attachments = contest.attachments.max_count
    edition.max_picks = contest.quota.max
    edition.max_winners = contest.winners
    edition.updated_at = now
    _sync_regions(edition, contest)
    db.session.flush()
    record("edition.load" if created else "edition.update", actor=None, role=None, at=now, edition_id=edition.id,
           data={"source": source})
    return edition, created


def _region_in_use(region: Region) -> bool:
    """Accounts, candidatures or audit rows refer to the region: removing it would orphan them."""
    return any(
        db.session.scalar(db.select(model.id).where(model.region_id == region.id).limit(1)) is not None
        for model in (RoleMembership, Candidature, AuditEntry)
    )


def _check_update_allowed(edition: Edition, contest: Contest) -> None:
    reasons = []
    kept = {r.code for r in contest.regions}
    if in_use := sorted(r.code for r in edition.regions if r.code not in kept and _region_in_use(r)):
        reasons.append(f"Les régions {', '.join(in_use)} ne peuvent pas être retirées : des comptes, "
                       "des candidatures ou des traces du journal y sont rattachés.")
    if db.session.scalar(db.select(Candidature.id).filter_by(edition_id=edition.id).limit(1)) is not None:
        old = edition.contest
        reasons += [
            f"Des candidatures existent déjà pour « {edition.slug} » : {label} ne peuvent plus changer."
            for part, label in FROZEN_PARTS.items()
            if getattr(old, part) != getattr(contest, part)
        ]
        if old.winners != contest.winners and db.session.scalar(db.select(Candidature.id).filter_by(
                edition_id=edition.id, state=State.WINNER.value).limit(1)) is not None:
            reasons.append(f"Un lauréat est déjà désigné pour « {edition.slug} » : le nombre de lauréats ne peut "
                           "plus changer.")
    if reasons:
        raise Refused(reasons)


def _sync_regions(edition: Edition, contest: Contest) -> None:
    existing = {region.code: region for region in edition.regions}
    for definition in contest.regions:
        region = existing.pop(definition.code, None)
        if region is None:
            edition.regions.append(Region(code=definition.code, name=definition.name))
        else:
            region.name = definition.name
    for stale in existing.values():  # only regions nothing refers to (_check_update_allowed)
        edition.regions.remove(stale)

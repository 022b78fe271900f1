"""The public results page: nothing before the organisers publish; then the winner and the regional picks.

A candidate who did not consent to publication (attestation « publication ») appears without any
identifying data: only the region and whether the project won.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from app.access import public
from app.editions import current_edition
from app.models import Candidature
from app.jury.workload import shortlist
from workflows.definition import french_date
from workflows.states import NationalStage, State

bp = Blueprint("results", __name__)
CONSENT = "publication"


@dataclass(frozen=True)
class PublicEntry:
    region: str
    winner: bool
    title: str | None  # None: the candidate did not consent to publication
    structure: str | None


def public_entry(candidature: Candidature) -> PublicEntry:
    """What the public may read of a pick: title and structure only with the candidate's consent."""
    consented = bool((candidature.attestations or {}).get(CONSENT))
    return PublicEntry(candidature.region.name, candidature.state == State.WINNER.value,
                       candidature.title if consented else None, candidature.structure_name if consented else None)


@bp.get("/resultats")
@public
def index():
    edition = current_edition()
    published = edition is not None and edition.stage == NationalStage.PUBLISHED
    entries = sorted((public_entry(pick.candidature) for pick in shortlist(edition)),
                     key=lambda entry: (not entry.winner, entry.region)) if published else []
    return render_template("national/results.html", edition=edition, published=published, entries=entries,
                           ceremony=french_date(edition.contest.calendar.ceremony) if edition else None)

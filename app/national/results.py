"""The public results page: the winner and the regional picks of each edition once its organisers
publish them, the most recent edition first; nothing of an edition before that.

A candidate who did not consent to publication (attestation « publication ») appears without any
identifying data: only the region and whether the project won.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from app.access import public
from app.editions import current_edition, published_editions
from app.i18n import weekday
from app.models import Candidature, Edition
from app.jury.workload import shortlist
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


def public_entries(edition: Edition) -> list[PublicEntry]:
    """The published picks of ``edition``, the winner first, then by region."""
    return sorted((public_entry(pick.candidature) for pick in shortlist(edition)),
                  key=lambda entry: (not entry.winner, entry.region))


@bp.get("/resultats")
@public
def index():
    """The open edition's results once published (else when they will be), then every past edition's."""
    edition = current_edition()
    published = [(past, public_entries(past)) for past in published_editions()]
    return render_template("national/results.html", edition=edition, published=published,
                           awaited=edition is not None and edition.stage != NationalStage.PUBLISHED,
                           ceremony=weekday(edition.contest.calendar.ceremony) if edition else None)

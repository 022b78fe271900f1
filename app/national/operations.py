"""The national organiser's decisions: open the national jury, reopen a region, declare the winner, publish.

Each operation first locks the edition's row (PostgreSQL; SQLite serialises every write
transaction already), so two organisers acting at the same moment are judged one after the
other on what the first one committed. One winner per edition is also a partial unique index
(uq_candidatures_one_winner_per_edition): if code were wrong, the database would still refuse.
Operations flush, never commit: the request handler commits once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from app.audit import record
from app.candidatures.operations import fire
from app.extensions import db
from app.models import Candidature, Edition, Region, User
from app.national.emails import queue_outcome_email
from app.candidatures.operations import region_facts
from workflows.dossier import text_problem
from workflows.machine import NATIONAL, REASON_REQUIRED, REGION, NationalFacts, TransitionRefused
from workflows.states import NationalStage, RegionStage, Role, State

ORGANISER = Role.NATIONAL_ORGANISER
ALREADY_DECLARED = "Le lauréat national vient d’être désigné par une autre personne : rien n’a été enregistré."
# Candidatures whose candidate is told the outcome: everything that was submitted and not withdrawn.
TOLD_OUTCOME = tuple(state.value for state in State if state not in (State.DRAFT, State.WITHDRAWN))


def lock_edition(edition: Edition, *read_again) -> None:
    """Lock the edition's row, then re-read it and ``read_again``: what a concurrent action committed is seen."""
    db.session.scalars(
        db.select(Edition).filter_by(id=edition.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    for row in read_again:
        db.session.refresh(row)


def open_regions(edition: Edition) -> list[Region]:
    """The regions that have not closed their selection, by name."""
    return db.session.scalars(
        db.select(Region).where(Region.edition_id == edition.id, Region.stage != RegionStage.CLOSED.value)
        .order_by(Region.name)
    ).all()


def national_facts(edition: Edition, now: datetime, reason: str = "") -> NationalFacts:
    """Everything the national machine needs to judge a transition."""
    winners = db.session.scalar(
        db.select(db.func.count(Candidature.id)).filter_by(edition_id=edition.id, state=State.WINNER.value))
    return NationalFacts(stage=NationalStage(edition.national_stage), now=now,
                         regions_open=tuple(region.code for region in open_regions(edition)), reason=reason,
                         winner_declared=bool(winners))


def _refuse_long(text: str, edition: Edition) -> None:
    if problem := text_problem(text, edition.contest):
        raise TransitionRefused([problem])


def _move(edition: Edition, name: str, *, actor: User, now: datetime, reason: str = "",
          data: dict | None = None) -> None:
    """Fire ``name`` of the national machine on the locked edition and log it."""
    target = NATIONAL.check(name, national_facts(edition, now, reason), ORGANISER, edition.contest)
    previous, edition.national_stage, edition.updated_at = edition.national_stage, target.value, now
    record(f"edition.{name}", actor=actor, role=ORGANISER.value, at=now, edition_id=edition.id,
           from_state=previous, to_state=target.value, reason=reason.strip() or None, data=data)


def open_national_jury(edition: Edition, *, actor: User, now: datetime, reason: str) -> None:
    """Open the national jury once every region has closed, or with the reason why some are missing."""
    _refuse_long(reason, edition)
    lock_edition(edition)
    missing = [region.code for region in open_regions(edition)]
    _move(edition, "open_national_jury", actor=actor, now=now, reason=reason if missing else "",
          data={"regions_open": missing})
    edition.missing_regions_reason = reason.strip() if missing else None
    db.session.flush()


def reopen_region(region: Region, *, actor: User, now: datetime, reason: str) -> list[Candidature]:
    """Reopen a closed region before the winner is declared; its candidatures not selected go back to its jury."""
    edition = region.edition
    if not reason.strip():
        raise TransitionRefused([REASON_REQUIRED])
    _refuse_long(reason, edition)
    lock_edition(edition, region)
    target = REGION.check("reopen_region", region_facts(region, now, reason), ORGANISER, edition.contest)
    reopened = db.session.scalars(
        db.select(Candidature).filter_by(region_id=region.id, state=State.REGIONAL_NOT_SELECTED.value)
        .order_by(Candidature.id)
    ).all()
    for candidature in reopened:
        fire(candidature, "reopen_region", actor=actor, role=ORGANISER, now=now, reason=reason)
    previous, closing_reason = region.stage, region.closing_reason
    region.stage, region.closing_reason = target.value, None
    record("region.reopen_region", actor=actor, role=ORGANISER.value, at=now, region_id=region.id,
           edition_id=edition.id, from_state=previous, to_state=target.value, reason=reason.strip(),
           data={"reopened": [c.id for c in reopened], "closing_reason": closing_reason})
    db.session.flush()
    return reopened


def _settle_other_picks(edition: Edition, *, actor: User, now: datetime) -> list[Candidature]:
    """Every pick still on the national shortlist becomes national_not_selected (a winner exists)."""
    others = db.session.scalars(
        db.select(Candidature).filter_by(edition_id=edition.id, state=State.NATIONAL_SHORTLIST.value)
        .order_by(Candidature.id)
    ).all()
    for candidature in others:
        fire(candidature, "not_select_nationally", actor=actor, role=ORGANISER, now=now)
    return others


def declare_winner(candidature: Candidature, *, actor: User, now: datetime, rationale: str) -> list[Candidature]:
    """Declare the one winner with a written rationale; the other picks become national_not_selected."""
    edition = candidature.edition
    _refuse_long(rationale, edition)
    lock_edition(edition, candidature)
    if reasons := NATIONAL.blockers("declare_winner", national_facts(edition, now, rationale), ORGANISER,
                                    edition.contest):
        raise TransitionRefused(reasons)
    fire(candidature, "declare_winner", actor=actor, role=ORGANISER, now=now, reason=rationale)
    try:
        db.session.flush()
    except IntegrityError as race:  # the partial unique index: another winner was committed meanwhile
        raise TransitionRefused([ALREADY_DECLARED]) from race
    _move(edition, "declare_winner", actor=actor, now=now, reason=rationale, data={"candidature_id": candidature.id})
    edition.winner_rationale = rationale.strip()
    others = _settle_other_picks(edition, actor=actor, now=now)
    db.session.flush()
    return others


def publish_results(edition: Edition, *, actor: User, now: datetime) -> int:
    """Publish the results and queue each candidate's outcome email; returns how many were queued."""
    lock_edition(edition)
    NATIONAL.check("publish_results", national_facts(edition, now), ORGANISER, edition.contest)
    _settle_other_picks(edition, actor=actor, now=now)  # a late pick of a region that was missing
    db.session.flush()
    _move(edition, "publish_results", actor=actor, now=now)
    edition.published_at = now
    told = db.session.scalars(
        db.select(Candidature).where(Candidature.edition_id == edition.id, Candidature.state.in_(TOLD_OUTCOME))
        .order_by(Candidature.id)
    ).all()
    for candidature in told:
        queue_outcome_email(candidature, now)
    db.session.flush()
    return len(told)

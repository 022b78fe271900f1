"""The national organiser's decisions: excuse, reinstate or reopen a region, open the national jury,
declare the winner, publish.

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
from app.national.jury import national_work, shortlist
from app.national.emails import OUTCOMES, queue_excused_email, queue_outcome_email, queue_reinstated_email
from app.candidatures.operations import region_facts
from workflows.dossier import text_problem
from workflows.machine import NATIONAL, REGION, NationalFacts
from workflows.refusals import Refused
from workflows.states import NationalStage, RegionStage, Role, State

ORGANISER = Role.NATIONAL_ORGANISER
ALREADY_DECLARED = "Le lauréat national vient d’être désigné par une autre personne : rien n’a été enregistré."
# Candidatures whose candidate is told the outcome: every submitted one, each in its final state by then.
TOLD_OUTCOME = tuple(state.value for state in OUTCOMES)


def lock_edition(edition: Edition, *read_again) -> None:
    """Lock the edition's row, then re-read it and ``read_again``: what a concurrent action committed is seen."""
    db.session.scalars(
        db.select(Edition).filter_by(id=edition.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    for row in read_again:
        db.session.refresh(row)


SETTLED_STAGES = (RegionStage.CLOSED.value, RegionStage.EXCUSED.value)


def open_regions(edition: Edition) -> list[Region]:
    """The regions that have neither closed their selection nor been excused, by name."""
    return db.session.scalars(
        db.select(Region).where(Region.edition_id == edition.id, Region.stage.not_in(SETTLED_STAGES))
        .order_by(Region.name)
    ).all()


def national_facts(edition: Edition, now: datetime, reason: str = "") -> NationalFacts:
    """Everything the national machine needs to judge a transition."""
    winners = db.session.scalar(
        db.select(db.func.count(Candidature.id)).filter_by(edition_id=edition.id, state=State.WINNER.value))
    expected, sheets = national_work([pick.candidature_id for pick in shortlist(edition)])
    return NationalFacts(stage=NationalStage(edition.national_stage), now=now,
                         regions_open=tuple(region.code for region in open_regions(edition)), reason=reason,
                         winner_declared=bool(winners),
                         scoresheets_missing=sum(map(len, expected.values())) - len(sheets))


def _refuse_long(text: str, edition: Edition) -> None:
    if problem := text_problem(text, edition.contest):
        raise Refused([problem])


def _move(edition: Edition, name: str, *, actor: User, now: datetime, reason: str = "",
          data: dict | None = None) -> None:
    """Fire ``name`` of the national machine on the locked edition and log it."""
    target = NATIONAL.check(name, national_facts(edition, now, reason), ORGANISER, edition.contest)
    previous, edition.national_stage, edition.updated_at = edition.national_stage, target.value, now
    record(f"edition.{name}", actor=actor, role=ORGANISER.value, at=now, edition_id=edition.id,
           from_state=previous, to_state=target.value, reason=reason.strip() or None, data=data)


def open_national_jury(edition: Edition, *, actor: User, now: datetime) -> None:
    """Open the national jury, after the deadline, once every region is closed or excused."""
    lock_edition(edition)
    _move(edition, "open_national_jury", actor=actor, now=now)
    db.session.flush()


def _move_region(region: Region, name: str, settle: tuple[State, ...], *, actor: User, now: datetime,
                 reason: str) -> list[Candidature]:
    """Fire ``name`` on the region and on its candidatures in ``settle``, on the locked edition."""
    edition = region.edition
    _refuse_long(reason, edition)
    lock_edition(edition, region)
    target = REGION.check(name, region_facts(region, now, reason), ORGANISER, edition.contest)
    moved = db.session.scalars(
        db.select(Candidature).where(Candidature.region_id == region.id,
                                     Candidature.state.in_([state.value for state in settle]))
        .order_by(Candidature.id)
    ).all()
    for candidature in moved:
        fire(candidature, name, actor=actor, role=ORGANISER, now=now, reason=reason)
    previous, closing_reason = region.stage, region.closing_reason
    region.stage = target.value
    region.closing_reason = reason.strip() if target == RegionStage.EXCUSED else None
    record(f"region.{name}", actor=actor, role=ORGANISER.value, at=now, region_id=region.id,
           edition_id=edition.id, from_state=previous, to_state=target.value, reason=reason.strip(),
           data={"candidatures": [c.id for c in moved], "closing_reason": closing_reason})
    db.session.flush()
    return moved


def excuse_region(region: Region, *, actor: User, now: datetime, reason: str) -> list[Candidature]:
    """Excuse a region that held no jury: each of its dossiers before a jury is settled, its candidate told why."""
    excused = _move_region(region, "excuse_region", (State.SUBMITTED, State.REGIONAL_JURY), actor=actor, now=now,
                           reason=reason)
    for candidature in excused:
        queue_excused_email(candidature, now)
    return excused


def reinstate_region(region: Region, *, actor: User, now: datetime, reason: str) -> list[Candidature]:
    """Undo an excuse before the national jury opens: the region and its dossiers wait for their jury again."""
    reinstated = _move_region(region, "reinstate_region", (State.REGION_EXCUSED,), actor=actor, now=now,
                              reason=reason)
    for candidature in reinstated:
        queue_reinstated_email(candidature, now)
    return reinstated


def reopen_region(region: Region, *, actor: User, now: datetime, reason: str) -> list[Candidature]:
    """Reopen a closed region before the winner is declared; its candidatures not selected go back to its jury."""
    return _move_region(region, "reopen_region", (State.REGIONAL_NOT_SELECTED,), actor=actor, now=now,
                        reason=reason)


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
        raise Refused(reasons)
    fire(candidature, "declare_winner", actor=actor, role=ORGANISER, now=now, reason=rationale)
    try:
        db.session.flush()
    except IntegrityError as race:  # the partial unique index: another winner was committed meanwhile
        raise Refused([ALREADY_DECLARED]) from race
    others = _settle_other_picks(edition, actor=actor, now=now)
    _move(edition, "declare_winner", actor=actor, now=now, reason=rationale, data={"candidature_id": candidature.id})
    edition.winner_rationale = rationale.strip()
    db.session.flush()
    return others


def publish_results(edition: Edition, *, actor: User, now: datetime) -> int:
    """Publish the results and queue each candidate's outcome email; returns how many were queued."""
    lock_edition(edition)
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

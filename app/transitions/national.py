"""The national organiser's transitions: excuse, reinstate or reopen a region, open the national jury,
declare the winners, publish the results.

Each first locks the edition's row, so two organisers acting at once are judged one after the
other on what the first committed. The number of winners (the definition's ``judging.winners``) is
also held by a trigger on candidatures (migration 0005): were the code wrong, the database would
still refuse.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jury.emails import queue_jury_open_email
from app.jury.juries import Jury
from app.jury.workload import Work, national_jurors, ranking_record, shortlist
from app.models import Candidature, Edition, Region, User
from app.transitions.emails import OUTCOMES, queue_excused_email, queue_outcome_email, queue_reinstated_email
from app.transitions.engine import fire_candidature, fire_edition, fire_region, lock, national_facts, shared_facts
from app.transitions.regional import refuse_long
from workflows.machine import NATIONAL
from workflows.refusals import Refused
from workflows.states import RegionStage, Role, State

ORGANISER = Role.NATIONAL_ORGANISER
ALREADY_DECLARED = _l("Le lauréat national vient d’être désigné par une autre personne : rien n’a été "
                      "enregistré.")
# Candidatures whose candidate is told the outcome: every submitted one, each in its final state by then.
TOLD_OUTCOME = tuple(state.value for state in OUTCOMES)


def _move_region(region: Region, name: str, settle: tuple[State, ...], *, actor: User, now: datetime,
                 reason: str) -> list[Candidature]:
    """Fire ``name`` on the region, then on its candidatures in ``settle``, on the locked edition."""
    refuse_long(reason, region.edition.contest)
    lock(region.edition, region)
    moved = db.session.scalars(
        db.select(Candidature).where(Candidature.region_id == region.id,
                                     Candidature.state.in_([state.value for state in settle]))
        .order_by(Candidature.id)).all()
    base = shared_facts(region, now)  # read once, before the region moves
    closing_reason = region.closing_reason
    target = fire_region(region, name, actor=actor, role=ORGANISER, now=now, reason=reason,
                         data={"candidatures": [c.id for c in moved], "closing_reason": closing_reason})
    region.closing_reason = reason.strip() if target == RegionStage.EXCUSED else None
    for candidature in moved:
        fire_candidature(candidature, name, actor=actor, role=ORGANISER, now=now, reason=reason, base=base)
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


def open_national_jury(edition: Edition, *, actor: User, now: datetime) -> None:
    """Open the national jury, after the deadline, once every region is closed or excused."""
    lock(edition)
    fire_edition(edition, "open_national_jury", actor=actor, now=now)
    picks = [pick.candidature for pick in shortlist(edition)]
    jury = Jury.national(edition)
    for juror in national_jurors(edition.id):
        queue_jury_open_email(juror, jury, sum(c.owner_id != juror.id for c in picks), now)
    db.session.flush()


def winner_ids(edition: Edition) -> list[int]:
    """The edition's winners, by id."""
    return db.session.scalars(db.select(Candidature.id).filter_by(edition_id=edition.id, state=State.WINNER.value)
                              .order_by(Candidature.id)).all()


def declare_winner(candidature: Candidature, *, actor: User, now: datetime, rationale: str) -> list[Candidature]:
    """Declare a winner with a written rationale. Once the definition's number of winners is reached,
    the other picks become national_not_selected (returned) and the contest moves on."""
    edition = candidature.edition
    contest = edition.contest
    refuse_long(rationale, contest)
    lock(edition, candidature)
    if reasons := NATIONAL.blockers("declare_winner", national_facts(edition, now, rationale), ORGANISER, contest):
        raise Refused(reasons)
    fire_candidature(candidature, "declare_winner", actor=actor, role=ORGANISER, now=now, reason=rationale)
    try:
        db.session.flush()
    except IntegrityError as race:  # the winners trigger: the last place was taken meanwhile
        raise Refused([ALREADY_DECLARED]) from race
    # One rationale per winner, each under its project's title when the contest has several.
    stated = rationale.strip() if contest.winners == 1 else f"« {candidature.title} » : {rationale.strip()}"
    edition.winner_rationale = "\n".join(filter(None, [edition.winner_rationale, stated]))
    if len(winner_ids(edition)) < contest.winners:
        db.session.flush()
        return []
    others = db.session.scalars(
        db.select(Candidature).filter_by(edition_id=edition.id, state=State.NATIONAL_SHORTLIST.value)
        .order_by(Candidature.id)).all()
    for other in others:
        fire_candidature(other, "not_select_nationally", actor=actor, role=ORGANISER, now=now)
    # What was decided, for ``flask audit verify``: every winner and the national ranking.
    fire_edition(edition, "declare_winner", actor=actor, now=now, reason=rationale,
                 data={"candidature_id": candidature.id, "winners": winner_ids(edition),
                       "ranking": ranking_record(Work.national(edition), contest)})
    db.session.flush()
    return others


def told_at_publication(edition: Edition):
    """The candidatures whose candidates receive their outcome by email at publication, as a query."""
    return db.select(Candidature).where(Candidature.edition_id == edition.id, Candidature.state.in_(TOLD_OUTCOME))


def publish_results(edition: Edition, *, actor: User, now: datetime) -> int:
    """Publish the results and queue each candidate's outcome email; returns how many were queued."""
    lock(edition)
    fire_edition(edition, "publish_results", actor=actor, now=now)
    edition.published_at = now
    told = db.session.scalars(told_at_publication(edition).order_by(Candidature.id)).all()
    for candidature in told:
        queue_outcome_email(candidature, now)
    db.session.flush()
    return len(told)

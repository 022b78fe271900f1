"""The region's choice for the national stage: pick, unpick, close; each flushes, never commits.

Each operation first locks the region's row (PostgreSQL; SQLite serialises every write
transaction already), so that a pick, an unpick and the closing of the region never interleave.
The quota also lives in the database: RegionalPick's (region, slot) is unique, slots 1..2.
"""

from __future__ import annotations

from datetime import datetime


from app.audit import record
from app.candidatures.operations import fire, region_facts
from app.extensions import db
from app.slots import insert_in_free_slot
from app.models import Candidature, Region, RegionalPick, User
from workflows.definition import Contest
from workflows.dossier import text_problem
from workflows.machine import REGION, Facts, quota_not_reached
from workflows.refusals import Refused
from workflows.states import Role, State

STALE = "La sélection a changé depuis l’affichage de cette page : vérifiez-la avant de clôturer."


def selection_fingerprint(region: Region) -> str:
    """What the organiser saw of the selection: the region's stage and its picks, in slot order."""
    picks = db.session.scalars(
        db.select(RegionalPick.candidature_id).filter_by(region_id=region.id).order_by(RegionalPick.slot)
    )
    return f"{region.stage}:{','.join(map(str, picks))}"


def _lock(region: Region, *read_again) -> None:
    """Lock the region's row, then re-read ``read_again``: what a concurrent action committed is seen."""
    db.session.scalars(
        db.select(Region).filter_by(id=region.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    for row in read_again:
        db.session.refresh(row)


def _refuse_long(text: str, contest: Contest) -> None:
    if problem := text_problem(text, contest):
        raise Refused([problem])


def select_for_nation(candidature: Candidature, *, actor: User, now: datetime, opinion: str) -> RegionalPick:
    """Pick a candidature for the national stage with the ARS opinion, in the region's first free slot."""
    contest = candidature.edition.contest
    _refuse_long(opinion, contest)
    _lock(candidature.region, candidature)
    fire(candidature, "select_for_nation", actor=actor, role=Role.REGIONAL_ORGANISER, now=now, reason=opinion)
    pick = insert_in_free_slot(
        lambda slot: RegionalPick(region_id=candidature.region_id, slot=slot, candidature_id=candidature.id,
                                  opinion=opinion.strip(), decided_by_id=actor.id, decided_at=now),
        lambda: set(db.session.scalars(db.select(RegionalPick.slot).filter_by(region_id=candidature.region_id))),
        contest.quota.max,
    )
    if pick is None:
        full = Facts(state=State.REGIONAL_JURY, now=now, region_picks=contest.quota.max)
        raise Refused([quota_not_reached(full, contest)])
    return pick


def unselect(pick: RegionalPick, *, actor: User, now: datetime) -> None:
    """Undo a pick while the regional jury sits; the audit row keeps the withdrawn opinion."""
    candidature = pick.candidature
    _lock(candidature.region, candidature)
    fire(candidature, "unselect", actor=actor, role=Role.REGIONAL_ORGANISER, now=now,
         data={"slot": pick.slot, "opinion": pick.opinion})
    db.session.delete(pick)
    db.session.flush()


def close_region(region: Region, *, actor: User, now: datetime, reason: str, fingerprint: str) -> list[Candidature]:
    """Close the regional selection: the candidatures not picked become regional_not_selected.

    Refused, with nothing changed, when the selection differs from ``fingerprint`` (the page the
    organiser read). Returns the candidatures not selected.
    """
    contest = region.edition.contest
    _refuse_long(reason, contest)
    _lock(region)
    if fingerprint != selection_fingerprint(region):
        raise Refused([STALE])
    facts = region_facts(region, now, reason)
    target = REGION.check("close_region", facts, Role.REGIONAL_ORGANISER, contest)
    remaining = db.session.scalars(
        db.select(Candidature).filter_by(region_id=region.id, state=State.REGIONAL_JURY.value).order_by(Candidature.id)
    ).all()
    for candidature in remaining:
        fire(candidature, "close_region", actor=actor, role=Role.REGIONAL_ORGANISER, now=now)
    previous, region.stage, region.closing_reason = region.stage, target.value, reason.strip() or None
    record("region.close_region", actor=actor, role=Role.REGIONAL_ORGANISER.value, at=now, region_id=region.id,
           edition_id=region.edition_id, from_state=previous, to_state=target.value, reason=region.closing_reason,
           data={"picks": facts.picks, "not_selected": [c.id for c in remaining]})
    db.session.flush()
    return remaining

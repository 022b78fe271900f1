"""The regional organiser's (ARS) transitions: admissibility, opening the jury, the picks and the closing.

Each owns its side effects (the data, the audit rows, the candidate's email). A pick, an unpick and
the closing lock the region's row first, so they never interleave; the quota also lives in the
database (RegionalPick's (region, slot) is unique).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from app.extensions import db
from app.jury.emails import queue_jury_open_email
from app.jury.juries import Jury
from app.jury.workload import REGIONAL_RANKED_STATES, Work, ranking_record, regional_jurors
from app.models import Candidature, Region, RegionalPick, User
from app.slots import insert_in_free_slot
from app.transitions.assignment import cover_dossier
from app.transitions.emails import queue_inadmissible_email, queue_requalified_email
from app.transitions.engine import fire_candidature, fire_region, lock, shared_facts
from workflows.dossier import INADMISSIBILITY_REASONS, text_problem
from workflows.machine import Facts, quota_not_reached
from workflows.refusals import Refused
from workflows.states import RegionStage, Role, State

ORGANISER = Role.REGIONAL_ORGANISER
STALE = _l("La sélection a changé depuis l’affichage de cette page : vérifiez-la avant de clôturer.")


def refuse_long(text: str, contest) -> None:
    """Every written opinion or reason respects the definition's length (limits.reason)."""
    if problem := text_problem(text, contest):
        raise Refused([problem])


def _regional_jury_dossiers(region: Region, state: State) -> list[Candidature]:
    return db.session.scalars(
        db.select(Candidature).filter_by(region_id=region.id, state=state.value).order_by(Candidature.id)).all()


def _enter_jury(candidature: Candidature, *, actor: User, now: datetime, base: Facts | None = None) -> None:
    """Put a submitted dossier before the regional jury, frozen as it is now."""
    fire_candidature(candidature, "open_regional_jury", actor=actor, role=ORGANISER, now=now, base=base)
    candidature.frozen_at = now


def open_regional_jury(region: Region, *, actor: User, now: datetime) -> list[Candidature]:
    """After the deadline: open the region's jury and put every submitted dossier before it, frozen."""
    lock(region)
    fire_region(region, "open_regional_jury", actor=actor, role=ORGANISER, now=now)
    submitted = _regional_jury_dossiers(region, State.SUBMITTED)
    base = shared_facts(region, now)  # read once, the jury now open
    for candidature in submitted:
        _enter_jury(candidature, actor=actor, now=now, base=base)
    jury = Jury.of_region(region)
    for juror in regional_jurors(region.id):
        queue_jury_open_email(juror, jury, sum(c.owner_id != juror.id for c in submitted), now)
    db.session.flush()
    return submitted


def declare_inadmissible(candidature: Candidature, *, actor: User, now: datetime, code: str, reason: str) -> None:
    """Set a dossier aside with a listed reason and a text, and tell the candidate by email."""
    refuse_long(reason, candidature.edition.contest)
    if code not in INADMISSIBILITY_REASONS:
        raise Refused([_l("Choisissez un motif d’irrecevabilité dans la liste.")])
    candidature.inadmissibility_code = code  # set first: the CHECK wants them with the state
    candidature.inadmissibility_reason = reason.strip()
    fire_candidature(candidature, "declare_inadmissible", actor=actor, role=ORGANISER, now=now, reason=reason,
                     data={"code": code})
    db.session.flush()
    queue_inadmissible_email(candidature, now)


def requalify(candidature: Candidature, *, actor: User, now: datetime, reason: str) -> None:
    """Undo an inadmissibility with a written reason (back before the jury if it sits, with its assigned
    jurors when the region assigns them); tell the candidate."""
    refuse_long(reason, candidature.edition.contest)
    lock(candidature.region)  # its stage, and the assignment the dossier may join, as they stand
    fire_candidature(candidature, "requalify", actor=actor, role=ORGANISER, now=now, reason=reason,
                     data={"code": candidature.inadmissibility_code})
    candidature.inadmissibility_code = candidature.inadmissibility_reason = None
    if candidature.region.stage == RegionStage.JURY_OPEN.value:
        _enter_jury(candidature, actor=actor, now=now)
        cover_dossier(candidature, actor=actor, now=now)
    db.session.flush()
    queue_requalified_email(candidature, now)


def picked_ids(region: Region) -> list[int]:
    """The candidatures the region picked, in slot order."""
    return db.session.scalars(
        db.select(RegionalPick.candidature_id).filter_by(region_id=region.id).order_by(RegionalPick.slot)).all()


def selection_fingerprint(region: Region) -> str:
    """What the organiser saw of the selection: the region's stage and its picks, in slot order."""
    return f"{region.stage}:{','.join(map(str, picked_ids(region)))}"


def select_for_nation(candidature: Candidature, *, actor: User, now: datetime, opinion: str) -> RegionalPick:
    """Pick a candidature for the national stage with the ARS opinion, in the region's first free slot."""
    contest = candidature.edition.contest
    refuse_long(opinion, contest)
    lock(candidature.region, candidature)
    fire_candidature(candidature, "select_for_nation", actor=actor, role=ORGANISER, now=now, reason=opinion)
    pick = insert_in_free_slot(
        RegionalPick, {"region_id": candidature.region_id, "candidature_id": candidature.id,
                       "opinion": opinion.strip(), "decided_by_id": actor.id, "decided_at": now}, "region_id",
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
    lock(candidature.region, candidature)
    fire_candidature(candidature, "unselect", actor=actor, role=ORGANISER, now=now,
                     data={"slot": pick.slot, "opinion": pick.opinion})
    db.session.delete(pick)
    db.session.flush()


def close_region(region: Region, *, actor: User, now: datetime, reason: str, fingerprint: str) -> list[Candidature]:
    """Close the regional selection: the candidatures not picked become regional_not_selected.

    Refused, with nothing changed, when the selection differs from ``fingerprint`` (the page the
    organiser read). Returns the candidatures not selected.
    """
    refuse_long(reason, region.edition.contest)
    lock(region)
    if fingerprint != selection_fingerprint(region):
        raise Refused([STALE])
    remaining = _regional_jury_dossiers(region, State.REGIONAL_JURY)
    base = shared_facts(region, now)  # read once, the jury still sitting
    # What was decided, for ``flask audit verify``: the picks by slot and the ranking they came from.
    fire_region(region, "close_region", actor=actor, role=ORGANISER, now=now, reason=reason,
                data={"picks": base.region_picks, "not_selected": [c.id for c in remaining],
                      "selection": picked_ids(region),
                      "ranking": ranking_record(Work.regional(region, REGIONAL_RANKED_STATES),
                                                region.edition.contest)})
    region.closing_reason = reason.strip() or None
    for candidature in remaining:
        fire_candidature(candidature, "close_region", actor=actor, role=ORGANISER, now=now, base=base)
    db.session.flush()
    return remaining

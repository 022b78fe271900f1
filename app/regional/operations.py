"""The regional organiser's decisions on the region and its dossiers; each writes the audit log.

Operations flush but never commit: the request handler commits once.
"""

from __future__ import annotations

from datetime import datetime

from app.audit import record
from app.candidatures.operations import declare_inadmissible, enter_regional_jury, region_facts, requalify_candidature
from app.extensions import db
from app.models import Candidature, Region, User
from app.regional.emails import queue_inadmissible_email, queue_requalified_email
from workflows.dossier import text_problem
from workflows.machine import REGION
from workflows.refusals import Refused
from workflows.states import RegionStage, Role, State

STALE_PAGE = "La région a changé d’étape entre-temps : rechargez la page."


def _refuse_long(reason: str, candidature: Candidature) -> None:
    if problem := text_problem(reason, candidature.edition.contest):
        raise Refused([problem])


def open_regional_jury(region: Region, *, actor: User, now: datetime) -> list[Candidature]:
    """After the deadline: open the region's jury and put every submitted dossier before it, frozen."""
    target = REGION.check("open_regional_jury", region_facts(region, now), Role.REGIONAL_ORGANISER,
                          region.edition.contest)
    # A conditional UPDATE: of two organisers clicking at once, only one opens the jury.
    moved = db.session.execute(
        db.update(Region).where(Region.id == region.id, Region.stage == RegionStage.SUBMISSIONS.value)
        .values(stage=target.value)
    ).rowcount
    if moved != 1:
        raise Refused([STALE_PAGE])
    db.session.refresh(region)
    record("region.open_regional_jury", actor=actor, role=Role.REGIONAL_ORGANISER.value, at=now,
           region_id=region.id, edition_id=region.edition_id, from_state=RegionStage.SUBMISSIONS.value,
           to_state=target.value)
    submitted = db.session.scalars(
        db.select(Candidature).filter_by(region_id=region.id, state=State.SUBMITTED.value).order_by(Candidature.id)
    ).all()
    for candidature in submitted:
        enter_regional_jury(candidature, actor=actor, now=now)
    db.session.flush()
    return submitted


def set_aside(candidature: Candidature, *, actor: User, now: datetime, code: str, reason: str) -> None:
    """Declare a dossier inadmissible (listed reason and text) and tell the candidate by email."""
    _refuse_long(reason, candidature)
    declare_inadmissible(candidature, actor=actor, now=now, code=code, reason=reason)
    queue_inadmissible_email(candidature, now)


def requalify(candidature: Candidature, *, actor: User, now: datetime, reason: str) -> None:
    """Undo an inadmissibility with a written reason and tell the candidate by email."""
    _refuse_long(reason, candidature)
    requalify_candidature(candidature, actor=actor, now=now, reason=reason)
    queue_requalified_email(candidature, now)

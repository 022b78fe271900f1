"""The two juries (regional, national) described once: who sits, what they judge, when they may act.

Every jury page and operation asks its stage these questions, so the national jury reuses the
regional jury's pages, conflicts, scoresheets and independence rule unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app import clock
from app.extensions import db
from app.jury.workload import REGIONAL_JURY_STATES
from app.models import Candidature, Edition, User
from app.moments import region_moment
from workflows.lifecycle import Act, refusal
from workflows.states import NationalStage, Role, State

# Past these states a juror still reads what they judged (their sheet stays theirs).
_AFTER_REGIONAL = (State.REGIONAL_NOT_SELECTED, State.WINNER, State.NATIONAL_NOT_SELECTED)
_AFTER_NATIONAL = (State.WINNER, State.NATIONAL_NOT_SELECTED)


@dataclass(frozen=True)
class JuryStage:
    name: str
    role: Role
    # States of the candidatures the jury has to score (the list and the expected work).
    listed: tuple[str, ...]
    # States in which a juror of this jury may still read a dossier.
    readable: frozenset[str]
    # The jurors' own work (declarations, scoresheets), judged by workflows.lifecycle.
    act: Act
    _in_scope: Callable[[User], object]

    def candidatures(self, juror: User) -> list[Candidature]:
        """What the juror has to judge, by id: never an order derived from marks."""
        return db.session.scalars(
            db.select(Candidature).join(Edition)
            .where(self._in_scope(juror), Candidature.state.in_(self.listed), Candidature.owner_id != juror.id)
            .order_by(Candidature.id)
        ).all()

    def sits_on(self, juror: User, candidature: Candidature) -> bool:
        """True when ``juror`` belongs to the jury that judges ``candidature`` (never their own dossier)."""
        return candidature.state in self.readable and candidature.owner_id != juror.id and bool(db.session.scalar(
            db.select(Candidature.id).join(Edition).where(Candidature.id == candidature.id, self._in_scope(juror))
        ))

    def blocker(self, candidature: Candidature, now: datetime | None = None) -> str | None:
        """A French reason why the jury cannot declare or score at ``now`` (the request's instant); None while it sits."""
        moment = region_moment(candidature.region, now or clock.now())
        return refusal(self.act, moment, candidature.edition.contest)


def _regional_scope(juror: User):
    return Candidature.region_id.in_(juror.region_ids(Role.REGIONAL_JUROR))


def _national_scope(juror: User):
    if not juror.has_role(Role.NATIONAL_JUROR):
        return db.false()
    return Edition.national_stage != NationalStage.REGIONAL.value


REGIONAL = JuryStage(
    name="regional",
    role=Role.REGIONAL_JUROR,
    listed=REGIONAL_JURY_STATES,
    readable=frozenset({*REGIONAL_JURY_STATES, *_AFTER_REGIONAL}),
    act=Act.JUDGE_REGIONAL,
    _in_scope=_regional_scope,
)
NATIONAL = JuryStage(
    name="national",
    role=Role.NATIONAL_JUROR,
    listed=(State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL),
    readable=frozenset({State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL}),
    act=Act.JUDGE_NATIONAL,
    _in_scope=_national_scope,
)
STAGES = {stage.name: stage for stage in (REGIONAL, NATIONAL)}

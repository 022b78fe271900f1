"""The two juries (regional, national) described once: who sits, what they judge, when they may act.

Every jury page and operation asks its stage these questions, so the national jury reuses the
regional jury's pages, conflicts, scoresheets and independence rule unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.extensions import db
from app.jury.workload import REGIONAL_JURY_STATES
from app.models import Candidature, Edition, User
from workflows.states import NationalStage, RegionStage, Role, State

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
    _in_scope: Callable[[User], object]
    _blocker: Callable[[Candidature], str | None]

    def candidatures(self, juror: User) -> list[Candidature]:
        """What the juror has to judge, by id: never an order derived from marks."""
        return db.session.scalars(
            db.select(Candidature).join(Edition)
            .where(self._in_scope(juror), Candidature.state.in_(self.listed))
            .order_by(Candidature.id)
        ).all()

    def sits_on(self, juror: User, candidature: Candidature) -> bool:
        """True when ``juror`` belongs to the jury that judges ``candidature``."""
        return candidature.state in self.readable and bool(db.session.scalar(
            db.select(Candidature.id).join(Edition).where(Candidature.id == candidature.id, self._in_scope(juror))
        ))

    def blocker(self, candidature: Candidature) -> str | None:
        """A French reason why the jury cannot declare or score now; None while it sits."""
        return self._blocker(candidature)


def _regional_scope(juror: User):
    return Candidature.region_id.in_(juror.region_ids(Role.REGIONAL_JUROR))


def _national_scope(juror: User):
    if not juror.has_role(Role.NATIONAL_JUROR):
        return db.false()
    return Edition.national_stage != NationalStage.REGIONAL.value


def _regional_blocker(candidature: Candidature) -> str | None:
    stage = RegionStage(candidature.region.stage)
    if stage == RegionStage.CLOSED:
        return "Le jury régional est clos : les déclarations et les fiches de notation ne sont plus modifiables."
    if stage != RegionStage.JURY_OPEN:
        return "Le jury régional n’est pas encore ouvert."
    return None


def _national_blocker(candidature: Candidature) -> str | None:
    stage = NationalStage(candidature.edition.national_stage)
    if stage == NationalStage.REGIONAL:
        return "Le jury national n’est pas encore ouvert."
    if stage != NationalStage.NATIONAL_JURY:
        return "Le jury national est clos : les déclarations et les fiches de notation ne sont plus modifiables."
    return None


REGIONAL = JuryStage(
    name="regional",
    role=Role.REGIONAL_JUROR,
    listed=REGIONAL_JURY_STATES,
    readable=frozenset({*REGIONAL_JURY_STATES, *_AFTER_REGIONAL}),
    _in_scope=_regional_scope,
    _blocker=_regional_blocker,
)
NATIONAL = JuryStage(
    name="national",
    role=Role.NATIONAL_JUROR,
    listed=(State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL),
    readable=frozenset({State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL}),
    _in_scope=_national_scope,
    _blocker=_national_blocker,
)
STAGES = {stage.name: stage for stage in (REGIONAL, NATIONAL)}

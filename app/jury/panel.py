"""An organiser's hand on a jury, regional or national: remove a juror, record or lift a conflict, remind.

The two juries differ only by what their ``Panel`` says: the jury stage, the organiser's role,
the dossiers the jury judges and the moment of the contest it sits at (``workflows.lifecycle``
says which act is possible then). Operations check every rule, write one audit row, flush and
never commit: the request handler commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit import record
from app.auth.tokens import Purpose, revoke_tokens
from app.extensions import db
from app.jury.stages import NATIONAL, REGIONAL, JuryStage
from app.models import (
    Candidature, ConflictDeclaration, Edition, Region, RegionalPick, RoleMembership, Scoresheet, User,
)
from app.moments import require
from app.regional.emails import queue_reminder_email
from app.regional.jury import JurorProgress
from workflows.lifecycle import Act, Moment, refusal
from workflows.refusals import Refused
from workflows.states import NationalStage, RegionStage, Role


@dataclass(frozen=True)
class PanelActs:
    invite: Act
    remove: Act
    conflicts: Act
    remind: Act


@dataclass(frozen=True)
class Panel:
    stage: JuryStage
    organiser: Role
    region_id: int | None
    edition_id: int
    # The jury, its region and where it sits, in French: « jury régional », Bretagne, « dans la région ».
    jury: str
    place: str | None
    where: str
    # Where the contest stands for this jury, and the organiser's acts on it (remove, conflicts, remind).
    edition: Edition
    region_stage: RegionStage | None
    acts: PanelActs

    def _moment(self, now: datetime) -> Moment:
        return Moment.at(now, self.edition.contest, NationalStage(self.edition.national_stage), self.region_stage)

    def _require(self, act: Act, now: datetime) -> None:
        require(act, self._moment(now), self.edition)

    def possible(self, now: datetime) -> dict[str, bool]:
        """Which of the organiser's acts on this jury the moment allows (the page offers only those)."""
        moment = self._moment(now)
        return {name: refusal(act, moment, self.edition.contest) is None for name, act in vars(self.acts).items()}

    def _judged(self):
        """The dossiers this jury judges, as a condition on Candidature."""
        if self.region_id is not None:
            return Candidature.region_id == self.region_id
        return Candidature.edition_id == self.edition_id

    def _sits(self, juror: User) -> bool:
        return juror.has_role(self.stage.role) and (
            self.region_id is None or self.region_id in juror.region_ids(self.stage.role))

    def _judges(self, candidature: Candidature) -> bool:
        """The region's dossiers; at the national stage, the edition's regional picks."""
        if self.region_id is not None:
            return candidature.region_id == self.region_id
        return candidature.edition_id == self.edition_id and db.session.scalar(
            db.select(RegionalPick.id).filter_by(candidature_id=candidature.id)) is not None

    def _sheets(self, juror_id: int):
        return (db.select(Scoresheet).join(Candidature)
                .where(Scoresheet.juror_id == juror_id, Scoresheet.stage == self.stage.name, self._judged()))

    def _record(self, action: str, *, actor: User, now: datetime, **details) -> None:
        record(action, actor=actor, role=self.organiser.value, at=now, region_id=self.region_id,
               edition_id=self.edition_id, **details)

    def remove_juror(self, membership: RoleMembership, *, actor: User, now: datetime) -> None:
        """Take a juror off the jury, only before they submitted a scoresheet to it."""
        self._require(self.acts.remove, now)
        juror = membership.user
        sheets = db.session.scalars(self._sheets(juror.id)).all()
        if any(sheet.status == "submitted" for sheet in sheets):
            raise Refused([f"{juror.email} a déjà remis une grille d’évaluation {self.where} : "
                                     "ce juré ne peut plus être retiré du jury."])
        for draft in sheets:
            db.session.delete(draft)
        db.session.delete(membership)
        if juror.password_hash is None:  # an unanswered invitation must not open an account without a role
            revoke_tokens(juror, Purpose.INVITATION, now=now)
        self._record("jury.remove", actor=actor, now=now,
                     data={"user_id": juror.id, "email": juror.email, "stage": self.stage.name,
                           "draft_scoresheets_deleted": len(sheets)})
        db.session.flush()

    def record_conflict(self, juror: User, candidature: Candidature, *, actor: User, now: datetime,
                        reason: str) -> ConflictDeclaration:
        """Record a juror's conflict of interest on a dossier, from the organiser's knowledge.

        It replaces a juror's own « no conflict » declaration (the organiser knows better); an existing
        conflict stays as declared, and a dossier the juror already scored is refused.
        """
        self._require(self.acts.conflicts, now)
        if not reason.strip():
            raise Refused(["Indiquez la raison du conflit d’intérêts."])
        if not self._sits(juror) or not self._judges(candidature):
            raise Refused(["Ce juré ou ce dossier ne relève pas de ce jury."])
        sheet_status = db.session.scalar(db.select(Scoresheet.status).filter_by(
            candidature_id=candidature.id, juror_id=juror.id, stage=self.stage.name))
        if sheet_status == "submitted":
            raise Refused([f"{juror.email} a déjà remis sa grille pour ce dossier : "
                                     "le conflit ne peut plus être enregistré."])
        declaration = db.session.scalar(db.select(ConflictDeclaration).filter_by(
            candidature_id=candidature.id, juror_id=juror.id, stage=self.stage.name))
        if declaration is not None and declaration.has_conflict:
            raise Refused(["Un conflit d’intérêts est déjà enregistré pour ce juré et ce dossier."])
        replaced = declaration is not None
        if declaration is None:
            declaration = ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage=self.stage.name)
            db.session.add(declaration)
        declaration.has_conflict, declaration.reason, declaration.source = True, reason.strip(), "organiser"
        declaration.declared_by_id, declaration.declared_at = actor.id, now
        record("conflict.record", actor=actor, role=self.organiser.value, at=now, candidature=candidature,
               reason=reason.strip(), data={"juror_id": juror.id, "stage": self.stage.name,
                                            "replaced_no_conflict": replaced})
        db.session.flush()
        return declaration

    def lift_conflict(self, declaration: ConflictDeclaration, *, actor: User, now: datetime, reason: str) -> None:
        """Lift a conflict recorded automatically or by the organiser (a false match, a mistake).

        The organiser's decision is kept as a « no conflict » of their own, so the automatic
        detection does not record the conflict again; a juror's own declaration stays theirs.
        """
        self._require(self.acts.conflicts, now)
        if not reason.strip():
            raise Refused(["Indiquez pourquoi le conflit d’intérêts est levé."])
        if declaration.source == "juror":
            raise Refused(["Un conflit d’intérêts déclaré par le juré lui-même ne peut pas être levé."])
        record("conflict.lift", actor=actor, role=self.organiser.value, at=now,
               candidature=db.session.get(Candidature, declaration.candidature_id), reason=reason.strip(),
               data={"juror_id": declaration.juror_id, "stage": self.stage.name, "source": declaration.source,
                     "previous_reason": declaration.reason})
        declaration.has_conflict, declaration.reason, declaration.source = False, reason.strip(), "organiser"
        declaration.declared_by_id, declaration.declared_at = actor.id, now
        db.session.flush()

    def remind(self, progress: list[JurorProgress], *, actor: User, now: datetime) -> list[JurorProgress]:
        """Email every juror with pending expected work, once per juror and click; returns who was reminded."""
        self._require(self.acts.remind, now)
        pending = [row for row in progress if row.pending]
        for row in pending:
            queue_reminder_email(row.juror, self.jury, self.place,
                                 f"{self.stage.name}:{self.region_id or self.edition_id}", row.pending, now)
        self._record("jury.remind", actor=actor, now=now,
                     data={"stage": self.stage.name, "jurors": [row.juror.id for row in pending]})
        db.session.flush()
        return pending

    def conflicts(self) -> list[tuple[ConflictDeclaration, User, Candidature]]:
        """The conflicts of interest standing at this jury, newest first."""
        return db.session.execute(
            db.select(ConflictDeclaration, User, Candidature).join(User, User.id == ConflictDeclaration.juror_id)
            .join(Candidature, Candidature.id == ConflictDeclaration.candidature_id)
            .where(self._judged(), ConflictDeclaration.stage == self.stage.name,
                   ConflictDeclaration.has_conflict.is_(True))
            .order_by(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id.desc())
        ).all()

    def declaration(self, declaration_id: int) -> ConflictDeclaration | None:
        """A standing conflict of this jury, or None (another jury's is nobody's business here)."""
        return db.session.scalar(
            db.select(ConflictDeclaration).join(Candidature, Candidature.id == ConflictDeclaration.candidature_id)
            .where(ConflictDeclaration.id == declaration_id, ConflictDeclaration.stage == self.stage.name,
                   self._judged(), ConflictDeclaration.has_conflict.is_(True))
        )


def regional_panel(region: Region) -> Panel:
    return Panel(REGIONAL, Role.REGIONAL_ORGANISER, region.id, region.edition_id, "jury régional", region.name,
                 "dans la région", region.edition, RegionStage(region.stage),
                 PanelActs(Act.INVITE_REGIONAL_JUROR, Act.REMOVE_REGIONAL_JUROR, Act.RECORD_REGIONAL_CONFLICT,
                           Act.REMIND_REGIONAL_JURORS))


def national_panel(edition: Edition) -> Panel:
    return Panel(NATIONAL, Role.NATIONAL_ORGANISER, None, edition.id, "jury national", None, "au jury national",
                 edition, None,
                 PanelActs(Act.INVITE_NATIONAL_JUROR, Act.REMOVE_NATIONAL_JUROR, Act.RECORD_NATIONAL_CONFLICT,
                           Act.REMIND_NATIONAL_JURORS))

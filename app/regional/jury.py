"""The organiser's work on the regional jury: removals, recorded conflicts, progress and reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit import record
from app.auth.tokens import revoke_tokens
from app.extensions import db
from app.jury.workload import REGIONAL, expected_regional, regional_jurors, submitted_sheets
from app.models import Candidature, ConflictDeclaration, Region, RoleMembership, Scoresheet, User
from app.regional.emails import queue_reminder_email
from app.auth.tokens import Purpose
from workflows.machine import TransitionRefused
from workflows.states import RegionStage, Role

ORGANISER = Role.REGIONAL_ORGANISER.value


@dataclass(frozen=True)
class JurorProgress:
    juror: User
    done: int
    expected: int

    @property
    def pending(self) -> int:
        return self.expected - self.done


def jury_progress(region: Region) -> list[JurorProgress]:
    """Per juror of the region: submitted scoresheets out of the expected ones (conflicts excluded)."""
    expected = expected_regional(region)
    received = {(int(s.juror), int(s.candidature)) for s in submitted_sheets(list(expected))}
    progress = []
    for juror in regional_jurors(region.id):
        mine = [c for c, jurors in expected.items() if juror.id in jurors]
        progress.append(JurorProgress(juror, sum((juror.id, c) in received for c in mine), len(mine)))
    return progress


def _submitted_in_region(juror_id: int, region: Region) -> int:
    return db.session.scalar(
        db.select(db.func.count(Scoresheet.id)).join(Candidature)
        .where(Scoresheet.juror_id == juror_id, Scoresheet.status == "submitted", Scoresheet.stage == REGIONAL,
               Candidature.region_id == region.id)
    )


def remove_juror(region: Region, membership: RoleMembership, *, actor: User, now: datetime) -> None:
    """Take a juror off the region's jury, only before they submitted a scoresheet there."""
    juror = membership.user
    if _submitted_in_region(juror.id, region):
        raise TransitionRefused([f"{juror.email} a déjà remis une grille d’évaluation dans la région : "
                                 "ce juré ne peut plus être retiré du jury."])
    drafts = db.session.scalars(
        db.select(Scoresheet).join(Candidature)
        .where(Scoresheet.juror_id == juror.id, Scoresheet.stage == REGIONAL, Candidature.region_id == region.id)
    ).all()
    for draft in drafts:
        db.session.delete(draft)
    db.session.delete(membership)
    if juror.password_hash is None:  # an unanswered invitation must not open an account without a role
        revoke_tokens(juror, Purpose.INVITATION, now=now)
    record("jury.remove", actor=actor, role=ORGANISER, at=now, region_id=region.id, edition_id=region.edition_id,
           data={"user_id": juror.id, "email": juror.email, "draft_scoresheets_deleted": len(drafts)})
    db.session.flush()


def record_conflict(region: Region, juror: User, candidature: Candidature, *, actor: User, now: datetime,
                    reason: str) -> ConflictDeclaration:
    """Record a juror's conflict of interest on a dossier of the region, from the organiser's knowledge.

    It replaces a juror's own « no conflict » declaration (the organiser knows better); an existing
    conflict stays as declared, and a dossier the juror already scored is refused.
    """
    if not reason.strip():
        raise TransitionRefused(["Indiquez la raison du conflit d’intérêts."])
    sheet_status = db.session.scalar(
        db.select(Scoresheet.status).filter_by(candidature_id=candidature.id, juror_id=juror.id, stage=REGIONAL)
    )
    if sheet_status == "submitted":
        raise TransitionRefused([f"{juror.email} a déjà remis sa grille pour ce dossier : "
                                 "le conflit ne peut plus être enregistré."])
    declaration = db.session.scalar(
        db.select(ConflictDeclaration).filter_by(candidature_id=candidature.id, juror_id=juror.id, stage=REGIONAL)
    )
    if declaration is not None and declaration.has_conflict:
        raise TransitionRefused(["Un conflit d’intérêts est déjà enregistré pour ce juré et ce dossier."])
    replaced = declaration is not None
    if declaration is None:
        declaration = ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage=REGIONAL)
        db.session.add(declaration)
    declaration.has_conflict, declaration.reason, declaration.source = True, reason.strip(), "organiser"
    declaration.declared_by_id, declaration.declared_at = actor.id, now
    record("conflict.record", actor=actor, role=ORGANISER, at=now, candidature=candidature, reason=reason.strip(),
           data={"juror_id": juror.id, "replaced_no_conflict": replaced})
    db.session.flush()
    return declaration


def lift_conflict(region: Region, declaration: ConflictDeclaration, *, actor: User, now: datetime,
                  reason: str) -> None:
    """Lift a conflict recorded automatically or by the organiser (a false match, a mistake).

    The organiser's decision is kept as a « no conflict » of their own, so the automatic
    detection does not record the conflict again; a juror's own declaration stays theirs.
    """
    if not reason.strip():
        raise TransitionRefused(["Indiquez pourquoi le conflit d’intérêts est levé."])
    if declaration.source == "juror":
        raise TransitionRefused(["Un conflit d’intérêts déclaré par le juré lui-même ne peut pas être levé."])
    if region.stage == RegionStage.CLOSED.value:
        raise TransitionRefused(["La sélection régionale est close : les conflits d’intérêts ne changent plus."])
    record("conflict.lift", actor=actor, role=ORGANISER, at=now,
           candidature=db.session.get(Candidature, declaration.candidature_id), reason=reason.strip(),
           data={"juror_id": declaration.juror_id, "source": declaration.source, "previous_reason": declaration.reason})
    declaration.has_conflict, declaration.reason, declaration.source = False, reason.strip(), "organiser"
    declaration.declared_by_id, declaration.declared_at = actor.id, now
    db.session.flush()


def remind_jurors(region: Region, *, actor: User, now: datetime) -> list[JurorProgress]:
    """Email every juror with pending expected work, once per juror and click; returns who was reminded."""
    pending = [p for p in jury_progress(region) if p.pending]
    for progress in pending:
        queue_reminder_email(progress.juror, region, progress.pending, now)
    record("jury.remind", actor=actor, role=ORGANISER, at=now, region_id=region.id, edition_id=region.edition_id,
           data={"jurors": [p.juror.id for p in pending]})
    db.session.flush()
    return pending

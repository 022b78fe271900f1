"""Juror assignment for large regions: n jurors per dossier, proposed balanced, applied, adjusted by hand.

Once a region has ``jurors_per_dossier``, a juror sees, and is expected to score, only the dossiers
assigned to them (``app.jury.workload.scored_pair``): progress, reminders and the completeness gate
of the closing follow. Without it every juror scores every dossier, as before.

Invariants, checked here whatever the browser sent: a juror is never assigned a dossier they have
a conflict of interest with (declared, recorded by the organiser or detected) nor their own; a
proposal keeps every juror who has begun a sheet on that dossier; taking a juror off a dossier is
refused once their sheet is submitted (it counts), and deletes a draft only when the organiser says
so. Operations lock the region, write one audit row, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Row

from app.audit import record
from app.extensions import db
from app.jury.juries import Jury
from app.jury.operations import detect_conflicts
from app.jury.workload import REGIONAL, REGIONAL_JURY_STATES, regional_jurors
from app.models import Candidature, ConflictDeclaration, JuryAssignment, Region, Scoresheet, User
from app.transitions.engine import lock
from scoring.assignment import Assignment, least_loaded, propose
from workflows.lifecycle import Act
from workflows.refusals import Refused
from workflows.states import Role
from workflows.texts import _l

Pair = tuple[int, int]  # (juror id, candidature id)


def _before_jury(region: Region):
    """The dossiers before the region's jury, as a condition on Candidature."""
    return db.and_(Candidature.region_id == region.id, Candidature.state.in_(REGIONAL_JURY_STATES))


@dataclass(frozen=True)
class Board:
    """A region's dossiers, jurors and what stands between them, read in a fixed number of queries."""

    region: Region
    # id, title and owner_id of each dossier: a region may have thousands, whose whole rows (answers,
    # attestations as JSON) and objects took most of a second to read.
    dossiers: list[Row]
    jurors: list[User]
    conflicts: set[Pair]  # conflicts of interest, and each juror's own dossiers
    submitted: set[Pair]  # begun sheets, handed in
    drafts: set[Pair]  # begun sheets, not yet handed in
    assigned: set[Pair]  # the applied assignment (empty when none)

    @classmethod
    def of(cls, region: Region) -> Board:
        dossiers = db.session.execute(db.select(Candidature.id, Candidature.title, Candidature.owner_id)
                                      .where(_before_jury(region)).order_by(Candidature.id)).all()
        jurors = regional_jurors(region.id)
        # The ids as a subquery: thousands sent back as parameters cost more than the database finding them again.
        ids = db.select(Candidature.id).where(_before_jury(region))
        conflicts = {(juror, dossier) for juror, dossier in db.session.execute(
            db.select(ConflictDeclaration.juror_id, ConflictDeclaration.candidature_id).where(
                ConflictDeclaration.candidature_id.in_(ids), ConflictDeclaration.stage == REGIONAL,
                ConflictDeclaration.has_conflict.is_(True)))}
        seats = {juror.id for juror in jurors}
        conflicts |= {(dossier.owner_id, dossier.id) for dossier in dossiers if dossier.owner_id in seats}
        submitted, drafts = set(), set()  # filled in one pass: every juror may have begun every dossier
        for juror, dossier, status in db.session.execute(
                db.select(Scoresheet.juror_id, Scoresheet.candidature_id, Scoresheet.status)
                .where(Scoresheet.candidature_id.in_(ids), Scoresheet.stage == REGIONAL)):
            (submitted if status == "submitted" else drafts).add((juror, dossier))
        assigned = set(db.session.execute(db.select(JuryAssignment.juror_id, JuryAssignment.candidature_id).where(
            JuryAssignment.candidature_id.in_(ids)))) if region.jurors_per_dossier else set()
        return cls(region, dossiers, jurors, conflicts, submitted, drafts, {tuple(pair) for pair in assigned})

    def propose(self, n: int) -> Assignment:
        """The balanced proposal for ``n`` jurors per dossier (``scoring.assignment``)."""
        return propose([dossier.id for dossier in self.dossiers], [juror.id for juror in self.jurors], n,
                       conflicts=self.conflicts, begun=self.submitted | self.drafts)

    def loads(self) -> dict[int, int]:
        """Dossiers assigned per juror id, every juror listed."""
        counted = self.assigned - self.conflicts  # as the expected work counts them
        return {juror.id: sum(juror.id == pair[0] for pair in counted) for juror in self.jurors}

    def short(self) -> list[Row]:
        """The dossiers with fewer assigned jurors, free of conflict, than the region's n."""
        counts = {dossier.id: 0 for dossier in self.dossiers}
        for juror, dossier in self.assigned - self.conflicts:
            counts[dossier] += 1
        return [dossier for dossier in self.dossiers if counts[dossier.id] < (self.region.jurors_per_dossier or 0)]


def n_problem(n: int, jurors: int) -> str | None:
    """Why ``n`` jurors per dossier cannot be asked of a jury of ``jurors``, if so."""
    if jurors == 0:
        return _l("Invitez d’abord les jurés de la région : il n’y a personne à qui répartir les dossiers.")
    if not 1 <= n <= jurors:
        return _l("Le nombre de jurés par dossier va de 1 à %(jurors)s, le nombre de jurés de la région.",
                  jurors=jurors)
    return None


def apply_assignment(region: Region, n: int, *, actor: User, now: datetime) -> Assignment:
    """Replace the region's assignment with the balanced proposal for ``n``, computed again from the
    data as it is now (a sheet begun meanwhile is kept)."""
    board = _locked_board(region, now)
    if problem := n_problem(n, len(board.jurors)):
        raise Refused([problem])
    proposal = board.propose(n)
    db.session.execute(db.delete(JuryAssignment).where(
        JuryAssignment.candidature_id.in_([dossier.id for dossier in board.dossiers])))
    db.session.add_all(JuryAssignment(candidature_id=dossier, juror_id=juror, assigned_by_id=actor.id, assigned_at=now)
                       for juror, dossier in sorted(proposal.pairs()))
    region.jurors_per_dossier = n
    _record("jury.assignment_apply", region, actor, now, n=n, pairs=len(proposal.pairs()),
            loads={str(juror): load for juror, load in proposal.loads.items()},
            short={str(dossier): got for dossier, got in proposal.short.items()})
    db.session.flush()
    return proposal


def assign_juror(region: Region, candidature: Candidature, juror: User, *, actor: User, now: datetime) -> None:
    """Add a juror to one dossier of the applied assignment, never a conflicted one."""
    board = _locked_board(region, now)
    _check_pair(board, candidature, juror)
    if (juror.id, candidature.id) in board.conflicts:
        raise Refused([_l("%(email)s a un conflit d’intérêts avec ce dossier : ce juré ne peut pas le noter.",
                          email=juror.email)])
    if (juror.id, candidature.id) in board.assigned:
        raise Refused([_l("Ce dossier est déjà attribué à %(email)s.", email=juror.email)])
    db.session.add(JuryAssignment(candidature_id=candidature.id, juror_id=juror.id, assigned_by_id=actor.id,
                                  assigned_at=now))
    _record("jury.assignment_add", region, actor, now, candidature=candidature, juror_id=juror.id)
    db.session.flush()


def unassign_juror(region: Region, candidature: Candidature, juror: User, *, actor: User, now: datetime,
                   drop_draft: bool) -> None:
    """Take a juror off one dossier: refused once their sheet is submitted; their draft is deleted only
    when the organiser said so (``drop_draft``)."""
    board = _locked_board(region, now)
    _check_pair(board, candidature, juror)
    pair = (juror.id, candidature.id)
    if pair not in board.assigned:
        raise Refused([_l("Ce dossier n’est pas attribué à %(email)s.", email=juror.email)])
    if pair in board.submitted:
        raise Refused([_l("%(email)s a remis sa grille pour ce dossier : ce juré ne peut plus en être retiré.",
                          email=juror.email)])
    if pair in board.drafts and not drop_draft:
        raise Refused([_l("%(email)s a commencé sa grille pour ce dossier : cochez la suppression de son "
                          "brouillon pour le retirer.", email=juror.email)])
    db.session.execute(db.delete(JuryAssignment).filter_by(candidature_id=candidature.id, juror_id=juror.id))
    if pair in board.drafts:  # through the session: its marks go with it
        db.session.delete(db.session.scalar(db.select(Scoresheet).filter_by(
            candidature_id=candidature.id, juror_id=juror.id, stage=REGIONAL)))
    _record("jury.assignment_remove", region, actor, now, candidature=candidature, juror_id=juror.id,
            draft_deleted=pair in board.drafts)
    db.session.flush()


def cover_dossier(candidature: Candidature, *, actor: User, now: datetime) -> list[int]:
    """Give a dossier that joins an assigned jury (a requalification) its n jurors, the least loaded of those
    without a conflict: the applied assignment stays as it is, and the closing gate waits for their sheets.
    The caller holds the region's lock; returns the ids of the jurors added."""
    region = candidature.region
    if region.jurors_per_dossier is None:
        return []
    detect_every_jurors_conflicts(region, now)
    board = Board.of(region)
    held = {juror for juror, dossier in board.assigned - board.conflicts if dossier == candidature.id}
    free = [juror.id for juror in board.jurors if juror.id not in held
            and (juror.id, candidature.id) not in board.conflicts]
    added = least_loaded(free, board.loads(), region.jurors_per_dossier - len(held))
    db.session.add_all(JuryAssignment(candidature_id=candidature.id, juror_id=juror, assigned_by_id=actor.id,
                                      assigned_at=now) for juror in added)
    _record("jury.assignment_cover", region, actor, now, candidature=candidature, jurors=added)
    db.session.flush()
    return added


def detect_every_jurors_conflicts(region: Region, now: datetime) -> None:
    """Record the automatic conflicts of interest of every juror (``detect_conflicts``), as their own list
    does: a juror who has not opened it yet must not be proposed a dossier of their own organisation."""
    jurors = [juror for juror in regional_jurors(region.id) if juror.organisation_identifier]
    if not jurors:  # nothing to match: the dossiers are not read
        return
    # Only the dossiers with an identifier, and only what the detection and its audit rows read of them.
    dossiers = db.session.scalars(db.select(Candidature).where(_before_jury(region), Candidature.identifier.is_not(None))
                                  .order_by(Candidature.id).options(db.load_only(
                                      Candidature.identifier, Candidature.structure_name, Candidature.region_id,
                                      Candidature.edition_id, Candidature.state))).all()
    jury = Jury.of_region(region)
    for juror in jurors:
        detect_conflicts(juror, dossiers, now, jury)


def _locked_board(region: Region, now: datetime) -> Board:
    Jury.of_region(region).require(Act.ASSIGN_REGIONAL_DOSSIERS, now)
    lock(region)
    detect_every_jurors_conflicts(region, now)
    return Board.of(region)


def _check_pair(board: Board, candidature: Candidature, juror: User) -> None:
    if board.region.jurors_per_dossier is None:
        raise Refused([_l("Appliquez d’abord une répartition des dossiers.")])
    if candidature.id not in {dossier.id for dossier in board.dossiers} or juror not in board.jurors:
        raise Refused([_l("Ce juré ou ce dossier ne relève pas de ce jury.")])


def _record(action: str, region: Region, actor: User, now: datetime, *, candidature: Candidature | None = None,
            **data) -> None:
    record(action, actor=actor, role=Role.REGIONAL_ORGANISER.value, at=now, candidature=candidature,
           region_id=region.id, edition_id=region.edition_id, data=data)


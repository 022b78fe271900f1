"""The two juries — a region's and the national one — described once, as one ``Jury`` object.

Everything about a jury is asked of it: who sits (and inviting or removing a juror), what it
judges, whether it may act now (``workflows.lifecycle``), its conflicts of interest, its expected
work, its progress and reminders. The regional and national juries differ only by their ``Kind``
(data), so the national jury reuses the regional jury's pages, operations and rules unchanged.

Invariants: a juror of a region's jury sits in that region only (one region per edition); a
juror never judges a dossier they own; operations check every rule, write one audit row, flush
and never commit (the request commits once, ``app.endings``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.accounts import create_user, normalise_email
from app.audit import record
from app.auth.tokens import Purpose, issue_token, revoke_tokens, use_token
from app.extensions import db
from app.jury.emails import queue_invitation_email, queue_juror_added_email, queue_reminder_email
from app.jury.workload import NATIONAL, REGIONAL, REGIONAL_JURY_STATES, REGIONAL_RANKED_STATES, JurorWork, Work, \
    juror_progress, national_jurors, progress_by, regional_jurors, scored_pair
from app.models import Candidature, ConflictDeclaration, Edition, JuryAssignment, Region, RoleMembership, Scoresheet, \
    User, UserToken
from app.moments import require
from workflows.identifiers import identifier_problem, normalise
from workflows.lifecycle import Act, Moment, refusal
from workflows.refusals import Refused
from scoring import Progress
from workflows.states import NationalStage, RegionStage, Role, State
from workflows.texts import _l

# A juror's organisation, to detect conflicts of interest with a candidate's.
JUROR_IDENTIFIERS = ("finess", "siret", "rna")
# Past these states a juror still reads what they judged (their sheet stays theirs).
_AFTER_REGIONAL = (State.REGIONAL_NOT_SELECTED.value, State.WINNER.value, State.NATIONAL_NOT_SELECTED.value)
_AFTER_NATIONAL = (State.WINNER.value, State.NATIONAL_NOT_SELECTED.value)


@dataclass(frozen=True)
class Acts:
    """The acts of ``workflows.lifecycle`` that concern a jury."""

    judge: Act  # the jurors' own declarations and scoresheets
    invite: Act
    remove: Act
    conflicts: Act
    remind: Act


@dataclass(frozen=True)
class Kind:
    """What tells the two juries apart."""

    name: str  # the stage stored with sheets and declarations
    juror_role: Role
    organiser_role: Role
    listed: tuple[str, ...]  # states of the dossiers the jury has to score
    readable: frozenset[str]  # states in which a juror still reads a dossier
    acts: Acts


KINDS = {
    REGIONAL: Kind(
        REGIONAL, Role.REGIONAL_JUROR, Role.REGIONAL_ORGANISER,
        REGIONAL_JURY_STATES, frozenset({*REGIONAL_JURY_STATES, *_AFTER_REGIONAL}),
        Acts(Act.JUDGE_REGIONAL, Act.INVITE_REGIONAL_JUROR, Act.REMOVE_REGIONAL_JUROR, Act.RECORD_REGIONAL_CONFLICT,
             Act.REMIND_REGIONAL_JURORS)),
    NATIONAL: Kind(
        NATIONAL, Role.NATIONAL_JUROR, Role.NATIONAL_ORGANISER,
        (State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL),
        frozenset({State.NATIONAL_SHORTLIST.value, *_AFTER_NATIONAL}),
        Acts(Act.JUDGE_NATIONAL, Act.INVITE_NATIONAL_JUROR, Act.REMOVE_NATIONAL_JUROR, Act.RECORD_NATIONAL_CONFLICT,
             Act.REMIND_NATIONAL_JURORS)),
}


@dataclass(frozen=True)
class JurorProgress:
    juror: User
    done: int
    expected: int

    @property
    def pending(self) -> int:
        return self.expected - self.done


@dataclass(frozen=True)
class Jury:
    kind: Kind
    edition: Edition
    region: Region | None  # None: the national jury
    # judges(), by candidature and juror
    _judges: dict[tuple[int, int | None], bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def of_region(cls, region: Region) -> Jury:
        return cls(KINDS[REGIONAL], region.edition, region)

    @classmethod
    def national(cls, edition: Edition) -> Jury:
        return cls(KINDS[NATIONAL], edition, None)

    @classmethod
    def judging(cls, candidature: Candidature, name: str) -> Jury:
        """The jury of kind ``name`` that judges ``candidature``."""
        return cls.of_region(candidature.region) if name == REGIONAL else cls.national(candidature.edition)

    @classmethod
    def sitting(cls, juror: User, name: str) -> list[Jury]:
        """The juries of kind ``name`` the juror sits on: their regions', or the national jury of their editions."""
        if name == REGIONAL:
            regions = [m.region for m in juror.memberships if m.role == Role.REGIONAL_JUROR.value and m.region]
            return [cls.of_region(region) for region in sorted(regions, key=lambda region: region.id)]
        editions = juror.edition_ids(Role.NATIONAL_JUROR)
        if not editions:
            return []
        return [cls.national(edition) for edition in db.session.scalars(
            db.select(Edition).where(Edition.id.in_(editions), Edition.national_stage != NationalStage.REGIONAL.value)
            .order_by(Edition.id))]

    # -- what it is --------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def place(self) -> str | None:
        """The region's name; None for the national jury."""
        return self.region.name if self.region else None

    @property
    def named(self) -> str:
        """How emails name it: the region, or the contest."""
        return self.place or self.edition.contest.name

    @property
    def scope_id(self) -> int:
        return self.region.id if self.region else self.edition.id

    def _moment(self, now: datetime) -> Moment:
        region = RegionStage(self.region.stage) if self.region else None
        return Moment.at(now, self.edition.contest, NationalStage(self.edition.national_stage), region)

    def require(self, act: Act, now: datetime) -> None:
        """Refuse, with the reason, an act the moment does not allow."""
        require(act, self._moment(now), self.edition)

    def refusal(self, act: Act, now: datetime) -> str | None:
        """A French reason why the moment does not allow ``act`` on this jury; None when it does."""
        return refusal(act, self._moment(now), self.edition.contest)

    def blocker(self, now: datetime) -> str | None:
        """A French reason why the jurors cannot declare or score now; None while the jury sits."""
        return self.refusal(self.kind.acts.judge, now)

    def possible(self, now: datetime) -> dict[str, bool]:
        """Which of the organiser's acts on this jury the moment allows (the pages offer only those)."""
        moment = self._moment(now)
        return {name: refusal(act, moment, self.edition.contest) is None
                for name, act in vars(self.kind.acts).items() if name != "judge"}

    # -- what it judges ----------------------------------------------------------------------------

    def _judged(self):
        """Its dossiers, as a condition on Candidature: the region's, or the edition's picks (a pick is
        on the national shortlist, or settled by the winner's declaration)."""
        if self.region is not None:
            return Candidature.region_id == self.region.id
        return db.and_(Candidature.edition_id == self.edition.id, Candidature.state.in_(self.kind.readable))

    def judges(self, candidature: Candidature, juror: User | None = None) -> bool:
        """True when this jury judges ``candidature`` — through ``juror`` if given (the dossier is
        assigned to them, or the region's dossiers are not assigned)."""
        # Asked several times by one page (may the juror read it, see the others' marks…): asked once.
        key = (candidature.id, juror.id if juror else None)
        if key not in self._judges:
            scored = scored_pair(self.name, juror.id) if juror else db.true()
            self._judges[key] = bool(db.session.scalar(
                db.select(Candidature.id).where(Candidature.id == candidature.id, self._judged(), scored)))
        return self._judges[key]

    def seats(self, juror: User) -> bool:
        """True when ``juror`` sits on this jury."""
        if self.region is not None:
            return self.region.id in juror.region_ids(self.kind.juror_role)
        return (self.edition.id in juror.edition_ids(self.kind.juror_role)
                and self.edition.national_stage != NationalStage.REGIONAL.value)

    def assigned(self, juror: User, *conditions):
        """What the juror has to judge, as a query (never their own dossier; only the dossiers assigned
        to them when the organiser assigned the region's dossiers), narrowed by ``conditions`` (a search)."""
        return db.select(Candidature).where(self._judged(), Candidature.state.in_(self.kind.listed),
                                            Candidature.owner_id != juror.id, scored_pair(self.name, juror.id),
                                            *conditions)

    def worklist(self, juror: User, offset: int = 0, limit: int | None = None, conditions=()) \
            -> list[tuple[Candidature, ConflictDeclaration | None, Scoresheet | None]]:
        """The juror's dossiers by id (never an order derived from marks), each with the juror's own
        declaration and sheet, in one query."""
        mine = {"juror_id": juror.id, "stage": self.name}
        return db.session.execute(
            self.assigned(juror, *conditions).add_columns(ConflictDeclaration, Scoresheet)
            .outerjoin(ConflictDeclaration, db.and_(ConflictDeclaration.candidature_id == Candidature.id,
                                                    *(getattr(ConflictDeclaration, k) == v for k, v in mine.items())))
            .outerjoin(Scoresheet, db.and_(Scoresheet.candidature_id == Candidature.id,
                                           *(getattr(Scoresheet, k) == v for k, v in mine.items())))
            .order_by(Candidature.id).offset(offset).limit(limit)).all()

    def readable_by(self, juror: User) -> list[Candidature]:
        """The juror's dossiers they declared no conflict for: those they may read, by id."""
        return db.session.scalars(self.assigned(juror).join(ConflictDeclaration, db.and_(
            ConflictDeclaration.candidature_id == Candidature.id, ConflictDeclaration.juror_id == juror.id,
            ConflictDeclaration.stage == self.name, ConflictDeclaration.has_conflict.is_(False)))
            .order_by(Candidature.id)).all()

    def count_assigned(self, juror: User, *conditions) -> int:
        return db.session.scalar(db.select(db.func.count()).select_from(self.assigned(juror, *conditions).subquery()))

    def matching(self, juror: User) -> list[Candidature]:
        """The juror's dossiers whose organisation identifier is the juror's own (a dossier's is stored
        normalised)."""
        mine = normalise(juror.organisation_identifier or "")
        return db.session.scalars(self.assigned(juror).where(Candidature.identifier == mine)).all() if mine else []

    def sits_on(self, juror: User, candidature: Candidature) -> bool:
        """True when ``juror`` sits on this jury and it judges ``candidature`` through them (never the
        juror's own; an assigned dossier when the region's are assigned)."""
        return (candidature.state in self.kind.readable and candidature.owner_id != juror.id
                and self.seats(juror) and self.judges(candidature, juror))

    # -- who sits ----------------------------------------------------------------------------------

    def jurors(self) -> list[User]:
        return regional_jurors(self.region.id) if self.region else national_jurors(self.edition.id)

    def membership(self, user_id: int) -> RoleMembership | None:
        return db.session.scalar(db.select(RoleMembership).filter_by(
            user_id=user_id, role=self.kind.juror_role.value, region_id=self.region.id if self.region else None,
            edition_id=self.edition.id))

    def _seat_elsewhere(self, user: User) -> str | None:
        """Why ``user`` may not be invited: they already sit here with an account, or in another region."""
        if self.region is None:
            return (_l("%(email)s fait déjà partie du jury national.", email=user.email)
                    if self.edition.id in user.edition_ids(self.kind.juror_role) and user.password_hash is not None
                    else None)
        sitting = next((m.region for m in user.memberships if m.role == self.kind.juror_role.value and m.region
                        and m.region.edition_id == self.edition.id), None)
        if sitting is not None and (sitting.id != self.region.id or user.password_hash is not None):
            return _l("%(email)s fait déjà partie du jury régional (%(region)s) : un juré ne siège que dans une région.",
                      email=user.email, region=sitting.name)
        return None

    def invite(self, *, actor: User, now: datetime, email: str, name: str, organisation_identifier: str = "") -> User:
        """Add a juror: a new account with an invitation link, or a notice to an existing account.

        Inviting again someone who never chose a password sends a new link (the old one stops working).
        """
        self.require(self.kind.acts.invite, now)
        identifier = normalise(organisation_identifier or "") or None
        if identifier and (problem := identifier_problem(identifier, JUROR_IDENTIFIERS)):
            raise Refused([problem])
        user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
        if user is None:
            user = create_user(email=email, password_hash=None, role=self.kind.juror_role, now=now,
                               region_code=self.region.code if self.region else None, edition_slug=self.edition.slug,
                               display_name=name.strip())
        elif reason := self._seat_elsewhere(user):
            raise Refused([reason])
        elif self.membership(user.id) is None:
            user.memberships.append(RoleMembership(role=self.kind.juror_role.value, region=self.region,
                                                   edition=self.edition, created_at=now))
        user.display_name = user.display_name or name.strip()
        user.organisation_identifier = identifier or user.organisation_identifier
        db.session.flush()
        if user.password_hash is None:
            revoke_tokens(user, Purpose.INVITATION, now=now)
            token, raw = issue_token(user, Purpose.INVITATION, now=now)
            queue_invitation_email(user, self, token, raw, now)
        else:
            queue_juror_added_email(user, self, now)
        self._record("jury.invite" if user.password_hash is None else "jury.add", actor=actor, now=now,
                     data={"user_id": user.id, "email": user.email, "stage": self.name})
        return user

    def sheets_of(self, juror: User) -> list[Scoresheet]:
        """The juror's sheets at this jury, drafts and submitted."""
        return db.session.scalars(
            db.select(Scoresheet).join(Candidature)
            .where(Scoresheet.juror_id == juror.id, Scoresheet.stage == self.name, self._judged())).all()

    def removal_blocker(self, juror: User, sheets: list[Scoresheet]) -> str | None:
        """Why the juror can no longer be taken off the jury, if so: a sheet of theirs counts."""
        if not any(sheet.status == "submitted" for sheet in sheets):
            return None
        if self.region is not None:
            return _l("%(email)s a déjà remis une grille d’évaluation dans la région : ce juré ne peut plus être "
                      "retiré du jury.", email=juror.email)
        return _l("%(email)s a déjà remis une grille d’évaluation au jury national : ce juré ne peut plus être "
                  "retiré du jury.", email=juror.email)

    def remove_juror(self, membership: RoleMembership, *, actor: User, now: datetime) -> None:
        """Take a juror off the jury, only before they submitted a scoresheet to it."""
        self.require(self.kind.acts.remove, now)
        juror = membership.user
        sheets = self.sheets_of(juror)
        if blocker := self.removal_blocker(juror, sheets):
            raise Refused([blocker])
        for draft in sheets:
            db.session.delete(draft)
        if self.region is not None:  # a juror invited again starts with no dossier assigned
            db.session.execute(db.delete(JuryAssignment).where(
                JuryAssignment.juror_id == juror.id,
                JuryAssignment.candidature_id.in_(db.select(Candidature.id).where(self._judged()))))
        db.session.delete(membership)
        if juror.password_hash is None:  # an unanswered invitation must not open an account without a role
            revoke_tokens(juror, Purpose.INVITATION, now=now)
        self._record("jury.remove", actor=actor, now=now,
                     data={"user_id": juror.id, "email": juror.email, "stage": self.name,
                           "draft_scoresheets_deleted": len(sheets)})
        db.session.flush()

    # -- conflicts of interest ---------------------------------------------------------------------

    def record_conflict(self, juror: User, candidature: Candidature, *, actor: User, now: datetime,
                        reason: str) -> ConflictDeclaration:
        """Record a juror's conflict of interest on a dossier, from the organiser's knowledge.

        It replaces a juror's own « no conflict » declaration (the organiser knows better); an existing
        conflict stays as declared, and a dossier the juror already scored is refused.
        """
        self.require(self.kind.acts.conflicts, now)
        if not reason.strip():
            raise Refused([_l("Indiquez la raison du conflit d’intérêts.")])
        if self.membership(juror.id) is None or not self.judges(candidature):
            raise Refused([_l("Ce juré ou ce dossier ne relève pas de ce jury.")])
        sheet_status = db.session.scalar(db.select(Scoresheet.status).filter_by(
            candidature_id=candidature.id, juror_id=juror.id, stage=self.name))
        if sheet_status == "submitted":
            raise Refused([_l("%(email)s a déjà remis sa grille pour ce dossier : le conflit ne peut plus être enregistré.",
                              email=juror.email)])
        declaration = db.session.scalar(db.select(ConflictDeclaration).filter_by(
            candidature_id=candidature.id, juror_id=juror.id, stage=self.name))
        if declaration is not None and declaration.has_conflict:
            raise Refused([_l("Un conflit d’intérêts est déjà enregistré pour ce juré et ce dossier.")])
        replaced = declaration is not None
        if declaration is None:
            declaration = ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage=self.name)
            db.session.add(declaration)
        declaration.has_conflict, declaration.reason, declaration.source = True, reason.strip(), "organiser"
        declaration.declared_by_id, declaration.declared_at = actor.id, now
        record("conflict.record", actor=actor, role=self.kind.organiser_role.value, at=now, candidature=candidature,
               reason=reason.strip(), data={"juror_id": juror.id, "stage": self.name,
                                            "replaced_no_conflict": replaced})
        db.session.flush()
        return declaration

    def lift_conflict(self, declaration: ConflictDeclaration, *, actor: User, now: datetime, reason: str) -> None:
        """Lift a conflict recorded automatically or by the organiser (a false match, a mistake).

        The organiser's decision is kept as a « no conflict » of their own, so the automatic
        detection does not record the conflict again; a juror's own declaration stays theirs.
        """
        self.require(self.kind.acts.conflicts, now)
        if not reason.strip():
            raise Refused([_l("Indiquez pourquoi le conflit d’intérêts est levé.")])
        if declaration.source == "juror":
            raise Refused([_l("Un conflit d’intérêts déclaré par le juré lui-même ne peut pas être levé.")])
        record("conflict.lift", actor=actor, role=self.kind.organiser_role.value, at=now,
               candidature=db.session.get(Candidature, declaration.candidature_id), reason=reason.strip(),
               data={"juror_id": declaration.juror_id, "stage": self.name, "source": declaration.source,
                     "previous_reason": declaration.reason})
        declaration.has_conflict, declaration.reason, declaration.source = False, reason.strip(), "organiser"
        declaration.declared_by_id, declaration.declared_at = actor.id, now
        db.session.flush()

    def conflicts(self) -> list[tuple[ConflictDeclaration, User, Candidature]]:
        """The conflicts of interest standing at this jury, newest first."""
        return db.session.execute(
            db.select(ConflictDeclaration, User, Candidature).join(User, User.id == ConflictDeclaration.juror_id)
            .join(Candidature, Candidature.id == ConflictDeclaration.candidature_id)
            .where(self._judged(), ConflictDeclaration.stage == self.name, ConflictDeclaration.has_conflict.is_(True))
            .order_by(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id.desc())
        ).all()

    def declaration(self, declaration_id: int) -> ConflictDeclaration | None:
        """A standing conflict of this jury, or None (another jury's is nobody's business here)."""
        return db.session.scalar(
            db.select(ConflictDeclaration).join(Candidature, Candidature.id == ConflictDeclaration.candidature_id)
            .where(ConflictDeclaration.id == declaration_id, ConflictDeclaration.stage == self.name, self._judged(),
                   ConflictDeclaration.has_conflict.is_(True)))

    # -- its work ----------------------------------------------------------------------------------

    def work(self) -> Work:
        """Its expected work, as ``app.jury.workload`` computes it, over every dossier it judged: its
        progress still reads n / n once the region has closed and its dossiers have moved on."""
        return Work.regional(self.region, REGIONAL_RANKED_STATES) if self.region else Work.national(self.edition)

    def progress(self, work: list[JurorWork] | None = None) -> list[JurorProgress]:
        """Per juror: submitted scoresheets out of the expected ones (two queries, whatever the numbers);
        ``work``: the ``juror_work`` of ``self.work()``, when the page has read it for other figures too."""
        done = progress_by(self.work(), "juror_id") if work is None else juror_progress(work)
        return [JurorProgress(juror, progress.received, progress.expected)
                for juror in self.jurors() for progress in [done.get(juror.id, Progress(0, 0))]]

    def remind(self, *, actor: User, now: datetime) -> list[JurorProgress]:
        """Email every juror with pending expected work, once per juror and click; returns who was reminded."""
        self.require(self.kind.acts.remind, now)
        pending = [row for row in self.progress() if row.pending]
        for row in pending:
            queue_reminder_email(row.juror, self, row.pending, now)
        self._record("jury.remind", actor=actor, now=now,
                     data={"stage": self.name, "jurors": [row.juror.id for row in pending]})
        db.session.flush()
        return pending

    def _record(self, action: str, *, actor: User, now: datetime, **details) -> None:
        record(action, actor=actor, role=self.kind.organiser_role.value, at=now,
               region_id=self.region.id if self.region else None, edition_id=self.edition.id, **details)


def accept_invitation(token: UserToken, password_hash: str, *, now: datetime) -> bool:
    """Set the invited juror's password, hashed by the caller (the link proves the address); False
    if the link was used."""
    if not use_token(token, now=now):
        return False
    user = token.user
    user.password_hash = password_hash
    user.email_verified_at = user.email_verified_at or now
    regions = sorted(user.region_ids(Role.REGIONAL_JUROR))
    role = Role.REGIONAL_JUROR if regions else Role.NATIONAL_JUROR  # the same link invites national jurors
    record("jury.accept_invitation", actor=user, role=role.value, at=now, region_id=regions[0] if regions else None)
    db.session.flush()
    return True

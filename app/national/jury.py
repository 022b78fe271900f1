"""The national jury's composition and progress: national juror accounts, invited like regional ones."""

from __future__ import annotations

from datetime import datetime

from app.accounts import create_user
from app.audit import record
from app.auth.operations import normalise_email
from app.extensions import db
from app.jury.stages import NATIONAL
from app.jury.workload import expected_pairs, expected_sheets
from app.models import Candidature, Edition, RegionalPick, RoleMembership, User
from app.moments import edition_moment, require
from app.national.emails import queue_national_invitation_email, queue_national_juror_added_email
from app.regional.invitations import JUROR_IDENTIFIERS, issue_invitation
from app.regional.jury import JurorProgress
from scoring import Scoresheet, completeness
from workflows.identifiers import identifier_problem, normalise
from workflows.lifecycle import Act
from workflows.refusals import Refused
from workflows.states import Role

JUROR = Role.NATIONAL_JUROR


def national_jurors() -> list[User]:
    return db.session.scalars(
        db.select(User).join(RoleMembership).where(RoleMembership.role == JUROR.value).order_by(User.email)
    ).all()


def shortlist(edition: Edition) -> list[RegionalPick]:
    """The regional picks of the edition (the national shortlist, settled or not), by region and slot."""
    return db.session.scalars(
        db.select(RegionalPick).join(Candidature).where(Candidature.edition_id == edition.id)
        .order_by(RegionalPick.region_id, RegionalPick.slot)
    ).all()


def national_work(candidature_ids: list[int]) -> tuple[dict[str, set[str]], list[Scoresheet]]:
    """Expected national (juror, candidature) pairs less conflicts, and the submitted sheets among them."""
    pairs = expected_pairs(candidature_ids, [juror.id for juror in national_jurors()], NATIONAL.name)
    expected = {str(c): {str(j) for j in jurors} for c, jurors in pairs.items()}
    return expected, expected_sheets(pairs, NATIONAL.name)


def national_progress(edition: Edition) -> list[JurorProgress]:
    """Per national juror: submitted scoresheets out of the expected ones (conflicts excluded)."""
    progress = completeness(*national_work([pick.candidature_id for pick in shortlist(edition)]))
    rows = []
    for juror in national_jurors():
        mine = progress.by_juror.get(str(juror.id))
        rows.append(JurorProgress(juror, mine.received if mine else 0, mine.expected if mine else 0))
    return rows


def invite_national_juror(edition: Edition, *, actor: User, now: datetime, email: str, name: str,
                          organisation_identifier: str = "") -> User:
    """Add a national juror: a new account with an invitation link, or a notice to an existing account."""
    require(Act.INVITE_NATIONAL_JUROR, edition_moment(edition, now), edition)
    identifier = normalise(organisation_identifier or "") or None
    if identifier and (problem := identifier_problem(identifier, JUROR_IDENTIFIERS)):
        raise Refused([problem])
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        user = create_user(email=email, password=None, role=JUROR, now=now, display_name=name.strip())
    elif user.has_role(JUROR) and user.password_hash is not None:
        raise Refused([f"{user.email} fait déjà partie du jury national."])
    elif not user.has_role(JUROR):
        user.memberships.append(RoleMembership(role=JUROR.value, created_at=now))
    user.display_name = user.display_name or name.strip()
    user.organisation_identifier = identifier or user.organisation_identifier
    db.session.flush()
    if user.password_hash is None:  # inviting again someone who never chose a password sends a new link
        token, raw = issue_invitation(user, now=now)
        queue_national_invitation_email(user, edition, token, raw, now)
    else:
        queue_national_juror_added_email(user, edition, now)
    record("jury.invite" if user.password_hash is None else "jury.add", actor=actor,
           role=Role.NATIONAL_ORGANISER.value, at=now, edition_id=edition.id,
           data={"user_id": user.id, "email": user.email, "stage": NATIONAL.name})
    return user

"""Jury composition: inviting jurors by email (an account-creation link) and accepting the invitation.

A juror belongs to one region of an edition. A new juror's account has no password until they
follow the single-use link sent to their address, which proves the address too.
"""

from __future__ import annotations

from datetime import datetime

from app.accounts import create_user
from app.audit import record
from app.auth.operations import normalise_email
from app.auth.tokens import Purpose, issue_token, revoke_tokens, use_token
from app.extensions import db
from app.models import Region, RoleMembership, User, UserToken
from app.moments import region_moment, require
from app.passwords import hash_password
from app.regional.emails import queue_invitation_email, queue_juror_added_email
from workflows.identifiers import identifier_problem, normalise
from workflows.lifecycle import Act
from workflows.refusals import Refused
from workflows.states import Role

JUROR = Role.REGIONAL_JUROR
JUROR_IDENTIFIERS = ("finess", "siret", "rna")


def issue_invitation(user: User, *, now: datetime) -> tuple[UserToken, str]:
    """A fresh invitation link for ``user``, the older ones revoked; returns the row and the raw token."""
    revoke_tokens(user, Purpose.INVITATION, now=now)
    return issue_token(user, Purpose.INVITATION, now=now)


def juror_region(user: User, region: Region) -> Region | None:
    """The region of ``region``'s edition in which ``user`` already sits on the jury."""
    return next((m.region for m in user.memberships
                 if m.role == JUROR.value and m.region and m.region.edition_id == region.edition_id), None)


def invite_juror(region: Region, *, actor: User, now: datetime, email: str, name: str,
                 organisation_identifier: str = "") -> User:
    """Add a juror to the region: a new account with an invitation link, or a notice to an existing one.

    Inviting again someone who never chose a password sends a new link (the old one stops working).
    """
    require(Act.INVITE_REGIONAL_JUROR, region_moment(region, now), region.edition)
    identifier = normalise(organisation_identifier or "") or None
    if identifier and (problem := identifier_problem(identifier, JUROR_IDENTIFIERS)):
        raise Refused([problem])
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        user = create_user(email=email, password=None, role=JUROR, now=now, region_code=region.code,
                           edition_slug=region.edition.slug, display_name=name.strip())
        action = "jury.invite"
    else:
        sitting = juror_region(user, region)
        if sitting is not None and (sitting.id != region.id or user.password_hash is not None):
            raise Refused([f"{user.email} fait déjà partie du jury régional ({sitting.name}) : "
                                     "un juré ne siège que dans une région."])
        if sitting is None:
            user.memberships.append(RoleMembership(role=JUROR.value, region=region, created_at=now))
        user.display_name = user.display_name or name.strip()
        action = "jury.add" if user.password_hash is not None else "jury.invite"
    user.organisation_identifier = identifier or user.organisation_identifier
    db.session.flush()
    if user.password_hash is None:
        token, raw = issue_invitation(user, now=now)
        queue_invitation_email(user, region, token, raw, now)
    else:
        queue_juror_added_email(user, region, now)
    record(action, actor=actor, role=Role.REGIONAL_ORGANISER.value, at=now, region_id=region.id,
           edition_id=region.edition_id, data={"user_id": user.id, "email": user.email})
    return user


def accept_invitation(token: UserToken, password: str, *, now: datetime) -> bool:
    """Set the invited juror's password (the link proves the address); False if the link was used."""
    if not use_token(token, now=now):
        return False
    user = token.user
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or now
    regions = sorted(user.region_ids(JUROR))
    role = JUROR if regions else Role.NATIONAL_JUROR  # the same link invites national jurors
    record("jury.accept_invitation", actor=user, role=role.value, at=now, region_id=regions[0] if regions else None)
    db.session.flush()
    return True

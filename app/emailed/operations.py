"""Entering a dossier received by email (once per form sent), the ARS's hand on it until its candidate
takes it over (a new invitation, the pieces received with the email), the take-over (the caller commits)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.accounts import create_user, grant_role, normalise_email
from app.audit import record
from app.auth.tokens import Purpose, issue_token, revoke_tokens, use_token
from app.candidatures.operations import apply_dossier, normalised, refuse_invalid
from app.emailed.emails import queue_take_over_email
from app.extensions import db
from app.models import Candidature, Region, User, UserToken
from app.moments import region_moment
from app.transitions.candidate import new_receipt_number
from app.transitions.engine import fire_candidature, lock
from workflows.lifecycle import Act, refusal
from workflows.refusals import Refused
from workflows.states import Role, State
from workflows.texts import Text

TAKEN_OVER = _l("Le candidat a déjà repris ce dossier : il n’y a plus d’invitation à renvoyer.")
TAKEN_OVER_PIECES = _l("Le candidat a repris ce dossier : c’est à lui d’en joindre les pièces.")
CLOSED_ACCOUNT = _l("Le compte associé à cette adresse est fermé : le dossier ne peut pas lui être confié.")


def sender_account(email: str, *, now: datetime) -> User:
    """The candidate account of the sender's address: theirs if they have one, else a new one without a
    password, which the take-over link lets them open."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        return create_user(email=email, password_hash=None, role=Role.CANDIDATE, now=now)
    if not user.active:
        raise Refused([CLOSED_ACCOUNT])
    if not user.has_role(Role.CANDIDATE):
        grant_role(user, role=Role.CANDIDATE, now=now)
    return user


def new_entry_key() -> str:
    """The one-time key of an entry form's rendering (at most 32 characters, the column's size)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Entry:
    """What sending the entry form did."""

    candidature: Candidature
    new: bool  # False: the form had been sent already, and this is the dossier it entered


def enter_emailed_dossier(region: Region, dossier: dict, *, sender: str, received_at: datetime, entry_key: str,
                          actor: User, now: datetime) -> Entry:
    """Submit, for the sender, a complete dossier the region received by email before the deadline: its
    receipt is dated from the email's arrival; the sender is emailed the link to take it over. The form's
    ``entry_key`` enters it once: sent again (a double click, a second tab), the dossier it entered."""
    contest = region.edition.contest
    lock(region)  # the region's jury does not open meanwhile; the same form sent twice waits here
    if entered := db.session.scalar(db.select(Candidature).filter_by(region_id=region.id, entry_key=entry_key)):
        return Entry(entered, new=False)
    dossier = normalised(dossier)
    refuse_invalid(dossier, contest)
    owner = sender_account(sender, now=now)
    candidature = Candidature(edition=region.edition, region=region, owner=owner, state=State.DRAFT.value,
                              entered_by=actor, sender_email=owner.email, entry_key=entry_key, created_at=now,
                              updated_at=now)
    apply_dossier(candidature, dossier)
    db.session.add(candidature)
    # The receipt, dated from the email (the CHECK holds submitted_at = received_at), before the machine
    # judges received_at: a refusal rolls all of it back.
    candidature.received_at = candidature.submitted_at = received_at
    candidature.receipt_number, candidature.receipt_issued_at = new_receipt_number(), now
    db.session.flush()
    fire_candidature(candidature, "enter_emailed_dossier", actor=actor, role=Role.REGIONAL_ORGANISER, now=now,
                     data={"sender_email": owner.email, "received_at": received_at.isoformat(),
                           "owner_id": owner.id, "receipt_number": candidature.receipt_number})
    db.session.flush()
    token, raw = issue_token(owner, Purpose.TAKE_OVER, now=now)
    queue_take_over_email(candidature, token, raw, now)
    return Entry(candidature, new=True)


def entered_attachment_blockers(candidature: Candidature, now: datetime) -> list[Text]:
    """Why the ARS may not attach now the pieces received with the email of a dossier it entered: it may
    until its candidate takes the dossier over, while the region is at the deposit stage (the entry's window)."""
    if not candidature.awaiting_take_over:
        return [TAKEN_OVER_PIECES]
    closed = refusal(Act.ENTER_EMAILED_DOSSIER, region_moment(candidature.region, now), candidature.edition.contest)
    return [closed] if closed else []


def resend_take_over(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Email the sender of a dossier not yet taken over a new link to take it over; the earlier ones stop
    working (each link is single-use, the latest alone is valid)."""
    lock(candidature.region, candidature)  # a take-over committed meanwhile is seen
    if not candidature.awaiting_take_over:
        raise Refused([TAKEN_OVER])
    owner = candidature.owner
    if not owner.active:
        raise Refused([CLOSED_ACCOUNT])
    revoke_tokens(owner, Purpose.TAKE_OVER, now=now)
    token, raw = issue_token(owner, Purpose.TAKE_OVER, now=now)
    queue_take_over_email(candidature, token, raw, now)
    record("candidature.resend_take_over", actor=actor, role=Role.REGIONAL_ORGANISER.value, at=now,
           candidature=candidature, data={"sender_email": owner.email})
    db.session.flush()


def awaiting(user: User) -> list[Candidature]:
    """The user's dossiers entered by an ARS and not yet taken over."""
    return db.session.scalars(
        db.select(Candidature).where(Candidature.owner_id == user.id, Candidature.received_at.is_not(None),
                                     Candidature.taken_over_at.is_(None)).order_by(Candidature.id)).all()


def take_over(token: UserToken, *, now: datetime, password_hash: str | None = None) -> list[Candidature] | None:
    """Follow the emailed link: the account opens (its password, hashed by the caller, when it had none;
    the link proves the address) and takes over its entered dossiers. None when the link was used meanwhile."""
    if not use_token(token, now=now):
        return None
    user = token.user
    if password_hash is not None:
        user.password_hash = password_hash
    user.email_verified_at = user.email_verified_at or now
    revoke_tokens(user, Purpose.TAKE_OVER, now=now)  # one link takes over every entered dossier
    taken = awaiting(user)
    for candidature in sorted(taken, key=lambda c: c.region_id):
        # The ARS attaches pieces under the same lock (``add_attachment``): its check and its insert
        # happen wholly before or wholly after the take-over.
        lock(candidature.region, candidature)
        candidature.taken_over_at = now
        record("candidature.take_over", actor=user, role=Role.CANDIDATE.value, at=now, candidature=candidature,
               data={"account_opened": password_hash is not None})
    db.session.flush()
    return taken

"""Single-use, expiring tokens sent by email (verification, password reset, invitation, take-over).

The raw token only travels in the email; the database keeps its SHA-256, so a leaked table hands
out no live link. A token is used by a conditional UPDATE, so two requests racing with the same
link cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from app.extensions import db
from app.models import User, UserToken


class Purpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"  # a juror invited by an organiser chooses a password
    TAKE_OVER = "take_over"  # the sender of a dossier entered by the ARS takes it over (app.emailed)


LIFETIMES = {
    Purpose.VERIFY_EMAIL: timedelta(hours=48),
    Purpose.RESET_PASSWORD: timedelta(hours=1),
    Purpose.INVITATION: timedelta(days=7),
    Purpose.TAKE_OVER: timedelta(days=30),  # a candidate reads the email at their pace; the dossier is safe meanwhile
}


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: Purpose, *, now: datetime) -> tuple[UserToken, str]:
    """Store a new token for ``user``; returns the row and the raw token (to put in the link)."""
    raw = secrets.token_urlsafe(32)
    token = UserToken(user=user, purpose=purpose.value, token_hash=token_hash(raw), created_at=now,
                      expires_at=now + LIFETIMES[purpose])
    db.session.add(token)
    db.session.flush()
    return token, raw


def find_token(raw: str, purpose: Purpose, *, now: datetime) -> UserToken | None:
    """The unused, unexpired token of that purpose, else None."""
    token = db.session.scalar(db.select(UserToken).filter_by(token_hash=token_hash(raw), purpose=purpose.value))
    if token is None or token.used_at is not None or token.expires_at <= now or not token.user.active:
        return None
    return token


def use_token(token: UserToken, *, now: datetime) -> bool:
    """Mark the token used; False when another request used it first."""
    result = db.session.execute(
        db.update(UserToken).where(UserToken.id == token.id, UserToken.used_at.is_(None)).values(used_at=now)
    )
    db.session.refresh(token)
    return result.rowcount == 1


def revoke_tokens(user: User, purpose: Purpose, *, now: datetime) -> None:
    """Mark every unused token of that purpose used (a newer link or a changed password)."""
    db.session.execute(
        db.update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose.value, UserToken.used_at.is_(None))
        .values(used_at=now)
    )

"""Signing in and out, registration, email verification and password reset."""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from app.accounts import normalise_email
from app.audit import record
from app.database import end_transaction
from app.auth.emails import (
    queue_account_exists_email,
    queue_password_changed_email,
    queue_reset_email,
    queue_verification_email,
)
from app.auth.tokens import Purpose, issue_token, revoke_tokens, use_token
from app.extensions import db
from app.models import User, UserToken
from app.models.users import new_session_token
from app.passwords import hash_password, needs_rehash, verify_password
from workflows.states import Role


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same cost either way).

    The account is read in one transaction, the password checked (and re-hashed with the current
    parameters when they changed) with none open, and the user returned in a new one."""
    found = db.session.execute(
        db.select(User.id, User.password_hash, User.active).filter_by(email=normalise_email(email))
    ).one_or_none()
    end_transaction()
    if not verify_password(found.password_hash if found else None, password) or not found.active:
        return None
    upgraded = hash_password(password) if needs_rehash(found.password_hash) else None
    user = db.session.get(User, found.id)
    # A password changed meanwhile (a reset in another tab) is not overwritten with the old one.
    if upgraded and user.password_hash == found.password_hash:
        user.password_hash = upgraded
    return user


def sign_in(user: User, *, now) -> None:
    """Start a fresh session: nothing from the anonymous session carries over."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    record("user.login", actor=user, role=None, at=now)


def sign_out(user: User, *, now) -> None:
    """End the session everywhere: the old cookie no longer matches the user's token."""
    user.session_token = new_session_token()
    record("user.logout", actor=user, role=None, at=now)
    logout_user()
    language = session.get("lang")  # a choice of the browser, not of the account: it outlives the session
    session.clear()
    if language:
        session["lang"] = language


def find_active_user(email: str) -> User | None:
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    return user if user and user.active else None


def register_candidate(email: str, password_hash: str, *, now) -> User | None:
    """Create a candidate account and queue its verification link; for a known address, queue a
    "you already have an account" email instead and return None. The caller answers the same, and
    has hashed the password either way: the answer time reveals nothing."""
    from app.accounts import create_user  # app.accounts imports this module

    existing = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if existing is not None:
        queue_account_exists_email(existing, now=now)
        return None
    user = create_user(email=email, password_hash=password_hash, role=Role.CANDIDATE, now=now)
    token, raw = issue_token(user, Purpose.VERIFY_EMAIL, now=now)
    queue_verification_email(user, token, raw, now=now)
    return user


def verify_email(token: UserToken, *, now) -> bool:
    """Mark the token's address verified; False when the link was used meanwhile."""
    if not use_token(token, now=now):
        return False
    user = token.user
    user.email_verified_at = user.email_verified_at or now
    record("user.verify_email", actor=user, role=None, at=now)
    db.session.flush()
    return True


def request_password_reset(email: str, *, now) -> None:
    """Email a reset link to an active account (only the newest link works); unknown: nothing."""
    user = find_active_user(email)
    if user is None:
        return
    revoke_tokens(user, Purpose.RESET_PASSWORD, now=now)
    token, raw = issue_token(user, Purpose.RESET_PASSWORD, now=now)
    queue_reset_email(user, token, raw, now=now)
    record("user.password_reset_request", actor=None, role=None, at=now, data={"user_id": user.id})


def reset_password(token: UserToken, password_hash: str, *, now) -> bool:
    """Set a new password through a reset link and end every session; False if the link was used."""
    if not use_token(token, now=now):
        return False
    user = token.user
    user.password_hash = password_hash
    user.session_token = new_session_token()
    # Following a link sent to the address proves it as well as the verification link does.
    user.email_verified_at = user.email_verified_at or now
    revoke_tokens(user, Purpose.RESET_PASSWORD, now=now)
    queue_password_changed_email(user, token, now=now)
    record("user.password_reset", actor=user, role=None, at=now)
    db.session.flush()
    return True

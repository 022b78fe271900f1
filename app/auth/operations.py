"""Signing in and out, registration, email verification and password reset."""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from app.accounts import normalise_email
from app.audit import record
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
    """The active user with this email and password, else None (same cost either way)."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
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
    session.clear()


def find_active_user(email: str) -> User | None:
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    return user if user and user.active else None


def register_candidate(email: str, password: str, *, now) -> User | None:
    """Create a candidate account and queue its verification link; for a known address, queue a
    "you already have an account" email instead and return None. The caller answers the same."""
    from app.accounts import create_user  # app.accounts imports this module

    existing = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if existing is not None:
        hash_password(password)  # the same work as a creation: the answer time reveals nothing
        queue_account_exists_email(existing, now=now)
        return None
    user = create_user(email=email, password=password, role=Role.CANDIDATE, now=now)
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


def reset_password(token: UserToken, password: str, *, now) -> bool:
    """Set a new password through a reset link and end every session; False if the link was used."""
    if not use_token(token, now=now):
        return False
    user = token.user
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    # Following a link sent to the address proves it as well as the verification link does.
    user.email_verified_at = user.email_verified_at or now
    revoke_tokens(user, Purpose.RESET_PASSWORD, now=now)
    queue_password_changed_email(user, token, now=now)
    record("user.password_reset", actor=user, role=None, at=now)
    db.session.flush()
    return True

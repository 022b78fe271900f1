"""A sign-in between its two steps: the password checked, the code not yet.

Kept in the session cookie, which Flask signs (the browser can read it but not forge it): the
account's id, its session token at that moment (a password reset or a sign-out everywhere voids
the step), the instant it expires and where to go next. Nothing here signs anyone in: Flask-Login
knows the user only once the code is right (``app.auth.operations.sign_in``, which also clears
this state with the rest of the anonymous session).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import session

from app.extensions import db
from app.models import User

KEY = "mfa_pending"
LIFETIME = timedelta(minutes=5)  # time to take the phone out and type a code, not to wander off


def begin(user: User, *, next_url: str | None, now: datetime) -> None:
    session[KEY] = {"user": user.id, "token": user.session_token, "until": (now + LIFETIME).timestamp(),
                    "next": next_url}


def pending_user_id() -> int | None:
    """The account whose code is awaited, from the cookie alone (the throttle's key): not yet checked."""
    state = session.get(KEY)
    return state.get("user") if isinstance(state, dict) else None


def pending_user(*, now: datetime) -> User | None:
    """The account whose code is awaited, if the step has not expired and still holds; else None."""
    state = session.get(KEY)
    if not isinstance(state, dict) or state.get("until", 0) <= now.timestamp():
        return None
    user = db.session.get(User, state["user"])
    if user is None or not user.active or user.session_token != state["token"] or not user.second_factor_enrolled:
        return None
    return user


def next_url() -> str | None:
    return session.get(KEY, {}).get("next")


def forget() -> None:
    session.pop(KEY, None)

"""Rate limits on the account forms: per client address and per email typed.

The address is ``request.remote_addr`` (see app.client_address): ``X-Forwarded-For`` only counts
behind ``TRUSTED_PROXIES`` declared proxies, so a client cannot pick a fresh address per request.
The per-email limit holds however many addresses an attacker uses against one account. The email
is hashed in the limiter's key, so the rate-limit storage holds no address in clear.

Sign-in counts failed attempts only: a jury room behind one address signs everyone in. Every
attempt is checked against the limits before the password is, so a throttled account answers the
same 429 whether it exists or not, and whatever password was typed; a failure is counted when
its response is ready (flask-limiter's ``deduct_when``), a success never is. The second factor's
code is counted the same way, per address and per account (the account's id, not an email).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import g, request

from app.accounts import normalise_email
from app.extensions import limiter

# Failed sign-ins, per address and per account, each within 15 minutes. Per account: 10 failures
# bound a guesser to under a thousand tries a day against a passphrase of at least 12 characters,
# while someone who forgot theirs is stopped after 10 tries for a quarter of an hour (the reset
# link stays open). Per address: 50 leave room for a jury room or an ARS office behind one NAT
# address where several people mistype, and bound one machine trying a few passwords on many accounts.
LOGIN_FAILURES = ("50 per 15 minutes", "10 per 15 minutes")
REGISTER = ("10 per hour", "3 per hour")
FORGOT_PASSWORD = ("10 per hour", "3 per hour")
TOKEN_LINK = ("20 per minute", None)  # tokens carry 256 random bits; this only bounds the noise
# Wrong second-factor codes, per address and per account, within 15 minutes. The person already
# typed the right password; 5 failures per account bound a guesser to 480 tries a day, each with
# 3 codes in 10^6 valid (0.14 % a day), while a slip of the finger leaves room for 4 more.
SECOND_FACTOR_FAILURES = ("50 per 15 minutes", "5 per 15 minutes")


def email_key() -> str:
    """The limiter key of the submitted email address."""
    email = normalise_email(request.form.get("email", ""))
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def account_key() -> str:
    """The limiter key of the account whose second factor is typed: signing in, or signed in."""
    from flask_login import current_user

    from app.auth.pending import pending_user_id

    return f"account:{current_user.id if current_user.is_authenticated else pending_user_id()}"


def record_failed_attempt() -> None:
    """Count this request against its view's limits once its response is ready (a wrong password,
    a wrong second-factor code)."""
    g.failed_attempt = True


def _attempt_failed(_response) -> bool:
    return g.get("failed_attempt", False)


def throttled(limits: tuple[str, str | None], *, failures_only: bool = False,
              per_account: Callable[[], str] = email_key) -> Callable:
    """Limit the POSTs of a view per client address and, when given, per account: by default the
    submitted email, else the key ``per_account`` returns.

    With ``failures_only`` every POST is still refused once a limit is reached, but only those
    for which the view called ``record_failed_attempt`` are counted.
    """
    per_address, per_account_limit = limits
    deduct_when = _attempt_failed if failures_only else None

    def decorate(view: Callable) -> Callable:
        view = limiter.limit(per_address, methods=["POST"], deduct_when=deduct_when)(view)
        if per_account_limit:
            view = limiter.limit(per_account_limit, key_func=per_account, methods=["POST"], deduct_when=deduct_when)(view)
        return view

    return decorate

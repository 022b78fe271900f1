"""Rate limits on the account forms: per client address and per email typed.

The address is ``request.remote_addr`` (see app.client_address): ``X-Forwarded-For`` only counts
behind ``TRUSTED_PROXIES`` declared proxies, so a client cannot pick a fresh address per request.
The per-email limit holds however many addresses an attacker uses against one account. The email
is hashed in the limiter's key, so the rate-limit storage holds no address in clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import request

from app.auth.operations import normalise_email
from app.extensions import limiter

LOGIN = ("10 per minute", "5 per 15 minutes")
REGISTER = ("10 per hour", "3 per hour")
FORGOT_PASSWORD = ("10 per hour", "3 per hour")
TOKEN_LINK = ("20 per minute", None)  # tokens carry 256 random bits; this only bounds the noise


def email_key() -> str:
    """The limiter key of the submitted email address."""
    email = normalise_email(request.form.get("email", ""))
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def throttled(limits: tuple[str, str | None]) -> Callable:
    """Limit the POSTs of a view per client address and, when given, per submitted email."""
    per_address, per_email = limits

    def decorate(view: Callable) -> Callable:
        view = limiter.limit(per_address, methods=["POST"])(view)
        if per_email:
            view = limiter.limit(per_email, key_func=email_key, methods=["POST"])(view)
        return view

    return decorate

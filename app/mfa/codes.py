"""The second factor's codes: TOTP (RFC 6238, what authenticator apps compute) and recovery codes.

Time is the caller's (the injected clock), never the machine's: a code is checked for the step of
``now``, one step before and one after (a phone's clock a little off, a code typed as it changed),
and only for steps after the last one accepted, so that a code seen over a shoulder cannot be
replayed, even within its 30 seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "Concours SSP"
STEP_SECONDS = 30
TOLERANCE = 1  # steps accepted either side of the current one
CODE = re.compile(r"\d{6}")
# Recovery codes: 10 characters from an alphabet without look-alikes (0/o, 1/l/i), about 50 random
# bits each, written in two groups of five.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_COUNT = 10
RECOVERY_LENGTH = 10


def new_secret() -> str:
    """A fresh TOTP secret, 160 random bits in base32 (RFC 4226's recommended length)."""
    return pyotp.random_base32()


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, typed: str, *, now: datetime, after: int | None) -> int | None:
    """The step whose code is ``typed`` (now ±1), if later than ``after``; else None."""
    if not CODE.fullmatch(typed):
        return None
    current = step_at(now)
    for step in range(current - TOLERANCE, current + TOLERANCE + 1):
        if (after is None or step > after) and hmac.compare_digest(code_at(secret, step), typed):
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI, for an ``<img>`` (the policy allows ``img-src data:``;
    an SVG shown as an image runs no script)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[index:index + 4] for index in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_COUNT)]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def normalise(typed: str) -> str:
    """What was typed, without spaces or dashes and in lower case (a code read aloud or copied)."""
    return re.sub(r"[\s-]", "", typed).lower()


def recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()

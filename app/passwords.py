"""Password hashing with Argon2id (argon2-cffi), re-hashed when the parameters change.

Hashing costs tens of milliseconds of CPU by design: callers hash between two transactions (see
``app.database.end_transaction``), never inside one, so no row lock (nor SQLite's write lock)
waits on it.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128

_HASHERS = {
    # OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1): about a fifth of argon2-cffi's default
    # (m=64 MiB, t=3, p=4) in CPU, so a deadline rush signs in tens of candidates a second on two
    # cores. Hashes made with other parameters are upgraded at the next sign-in (needs_rehash).
    "default": PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1),
    # Tests create hundreds of accounts; the algorithm is the same, only the cost is lower.
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
# Verifying an unknown email costs as much as a known one: the answer time reveals nothing.
_DUMMY = {name: hasher.hash("dummy password for timing") for name, hasher in _HASHERS.items()}


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_PROFILE"]]


def normalise(password: str) -> str:
    """NFKC (RFC 8265): « é » typed composed or decomposed, on any keyboard, is the same password."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher().hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _DUMMY[current_app.config["PASSWORD_HASH_PROFILE"]],
                             normalise(password)) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """A French message when the password breaks the length rule, else None."""
    if len(password) < MIN_LENGTH:
        return _("Le mot de passe doit compter au moins %(min)s caractères.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Le mot de passe doit compter au plus %(max)s caractères.", max=MAX_LENGTH)
    return None

"""How a request ends an operation: commit (its emails leave after, see app.mail), or roll back and say why."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from workflows.machine import TransitionRefused


def commit_or_reasons(action: Callable[[], object], *, changed_meanwhile: str) -> list[str]:
    """Run ``action`` and commit; on a refusal, or a concurrent change the database caught, roll back
    and return the French reasons (nothing is left half-done)."""
    try:
        action()
        db.session.commit()
    except TransitionRefused as refusal:
        db.session.rollback()
        return list(refusal.reasons)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return [changed_meanwhile]
    return []

"""A candidate's transitions: submit their dossier (with its receipt), withdraw it."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from app.extensions import db
from app.models import Candidature, User
from app.receipts import queue_receipt_email
from app.transitions.engine import fire_candidature
from workflows.states import Role


def new_receipt_number() -> str:
    """80 random bits in groups of four (e.g. ``K3QF-7ZLA-P2MD-X9RT``): unguessable, easy to read."""
    code = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def submit_candidature(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Submit a complete draft before the deadline, issue its receipt and queue the confirmation."""
    number = candidature.receipt_number or new_receipt_number()
    fire_candidature(candidature, "submit", actor=actor, role=Role.CANDIDATE, now=now, data={"receipt_number": number})
    # Set after the check (whose queries would flush them on their own): the row is written once.
    candidature.receipt_number, candidature.submitted_at, candidature.receipt_issued_at = number, now, now
    db.session.flush()
    queue_receipt_email(candidature, now, reissued=False)


def withdraw_candidature(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Withdraw a draft or a submitted dossier before the deadline."""
    fire_candidature(candidature, "withdraw", actor=actor, role=Role.CANDIDATE, now=now)
    db.session.flush()

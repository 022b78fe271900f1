"""The juries' emails, in French, queued in the outbox (links built on ``BASE_URL``)."""

from __future__ import annotations

from datetime import datetime

from app.auth.emails import SIGNATURE, absolute_url
from app.mail import queue_email
from app.models import User, UserToken


def queue_invitation_email(user: User, jury, token: UserToken, raw: str, now: datetime) -> None:
    """The link with which a new juror chooses a password (valid seven days, single use)."""
    link = absolute_url("regional.accept_invitation", token=raw)
    queue_email(f"{jury.name}-jury-invitation:{token.id}", user.email, f"Invitation au {jury.title} — {jury.named}",
                f"Bonjour {user.display_name},\n\n{jury.inviter} à siéger au {jury.title} du concours.\n"
                "Pour créer votre compte, choisissez un mot de passe en ouvrant ce lien (valable 7 jours, "
                f"utilisable une seule fois) :\n\n{link}" + SIGNATURE, now)


def queue_juror_added_email(user: User, jury, now: datetime) -> None:
    """Tell someone who already has an account that they joined a jury."""
    queue_email(f"{jury.name}-jury-added:{jury.scope_id}:{user.id}:{now.isoformat()}", user.email,
                f"Vous faites partie du {jury.title} — {jury.named}",
                f"Bonjour,\n\n{jury.adder} au {jury.title} du concours.\n"
                f"Connectez-vous avec votre compte habituel : {absolute_url('auth.login')}" + SIGNATURE, now)


def queue_reminder_email(user: User, jury, pending: int, now: datetime) -> None:
    """Remind a juror how many dossiers they still have to score for this jury."""
    dossiers = f"{pending} dossier{'s' if pending > 1 else ''}"
    place = f" ({jury.place})" if jury.place else ""
    queue_email(f"jury-reminder:{jury.name}:{jury.scope_id}:{user.id}:{now.isoformat()}", user.email,
                f"{jury.title.capitalize()} — {dossiers} à évaluer",
                f"Bonjour,\n\nIl vous reste {dossiers} à évaluer pour le {jury.title}{place}.\n"
                f"Connectez-vous pour remettre vos grilles : {absolute_url('auth.login')}" + SIGNATURE, now)

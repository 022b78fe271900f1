"""The regional stage's emails, in French, queued in the outbox (links built on ``BASE_URL``)."""

from __future__ import annotations

from datetime import datetime

from app.auth.emails import SIGNATURE, absolute_url
from app.candidatures.operations import INADMISSIBILITY_REASONS
from app.mail import queue_email
from app.models import Candidature, Region, User, UserToken


def queue_candidate_email(key: str, candidature: Candidature, subject: str, lines: list[str], now: datetime) -> None:
    body = "\n".join(["Bonjour,", "", *lines, "", f"Projet : {candidature.title}",
                      f"Numéro de récépissé : {candidature.receipt_number}"])
    queue_email(key, candidature.owner.email, subject, body + SIGNATURE, now, candidature=candidature)


def queue_inadmissible_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier was set aside, with the listed reason and the text."""
    label = INADMISSIBILITY_REASONS[candidature.inadmissibility_code]
    queue_candidate_email(f"inadmissible:{candidature.id}:{now.isoformat()}", candidature,
                  "Votre candidature est irrecevable",
                  [f"L’agence régionale de santé ({candidature.region.name}) a déclaré votre candidature "
                   "irrecevable.", "", f"Motif : {label}.", f"Précisions : {candidature.inadmissibility_reason}"],
                  now)


def queue_requalified_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier is admissible again."""
    queue_candidate_email(f"requalified:{candidature.id}:{now.isoformat()}", candidature,
                  "Votre candidature est de nouveau recevable",
                  [f"L’agence régionale de santé ({candidature.region.name}) est revenue sur sa décision : "
                   "votre candidature est de nouveau recevable et sera examinée par le jury régional."], now)


def queue_invitation_email(user: User, region: Region, token: UserToken, raw: str, now: datetime) -> None:
    """The link with which a new juror chooses a password (valid seven days, single use)."""
    link = absolute_url("regional.accept_invitation", token=raw)
    queue_email(f"jury-invitation:{token.id}", user.email, f"Invitation au jury régional — {region.name}",
                f"Bonjour {user.display_name},\n\nL’agence régionale de santé ({region.name}) vous invite à "
                "siéger au jury régional du concours.\nPour créer votre compte, choisissez un mot de passe en "
                f"ouvrant ce lien (valable 7 jours, utilisable une seule fois) :\n\n{link}" + SIGNATURE, now)


def queue_juror_added_email(user: User, region: Region, now: datetime) -> None:
    """Tell someone who already has an account that they joined a regional jury."""
    queue_email(f"jury-added:{region.id}:{user.id}:{now.isoformat()}", user.email,
                f"Vous faites partie du jury régional — {region.name}",
                f"Bonjour,\n\nL’agence régionale de santé ({region.name}) vous a ajouté au jury régional du "
                f"concours.\nConnectez-vous avec votre compte habituel : {absolute_url('auth.login')}" + SIGNATURE,
                now)


def queue_reminder_email(user: User, jury: str, place: str | None, scope: str, pending: int, now: datetime) -> None:
    """Remind a juror how many dossiers they still have to score for ``jury`` (« jury régional ») of ``place``."""
    dossiers = f"{pending} dossier{'s' if pending > 1 else ''}"
    queue_email(f"jury-reminder:{scope}:{user.id}:{now.isoformat()}", user.email,
                f"{jury.capitalize()} — {dossiers} à évaluer",
                f"Bonjour,\n\nIl vous reste {dossiers} à évaluer pour le {jury}{f' ({place})' if place else ''}.\n"
                f"Connectez-vous pour remettre vos grilles : {absolute_url('auth.login')}" + SIGNATURE, now)

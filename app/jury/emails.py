"""The juries' emails, queued in the outbox in their recipient's language (links built on ``BASE_URL``)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from app.jury.workload import REGIONAL
from app.mail import queue_email, signature, written_for
from app.models import User, UserToken
from app.urls import absolute_url


def queue_invitation_email(user: User, jury, token: UserToken, raw: str, now: datetime) -> None:
    """The link with which a new juror chooses a password (valid seven days, single use)."""
    link = absolute_url("regional.accept_invitation", token=raw)
    with written_for(user):
        if jury.name == REGIONAL:
            subject = _("Invitation au jury régional — %(named)s", named=jury.named)
            invitation = _("L’agence régionale de santé (%(place)s) vous invite à siéger au jury régional du "
                           "concours.", place=jury.place)
        else:
            subject = _("Invitation au jury national — %(named)s", named=jury.named)
            invitation = _("Les organisateurs nationaux vous invitent à siéger au jury national du concours.")
        body = _("Bonjour %(name)s,\n\n%(invitation)s\nPour créer votre compte, choisissez un mot de passe en ouvrant "
                 "ce lien (valable 7 jours, utilisable une seule fois) :\n\n%(link)s",
                 name=user.display_name, invitation=invitation, link=link)
        queue_email(f"{jury.name}-jury-invitation:{token.id}", user.email, subject, body + signature(), now)


def queue_juror_added_email(user: User, jury, now: datetime) -> None:
    """Tell someone who already has an account that they joined a jury."""
    with written_for(user):
        if jury.name == REGIONAL:
            subject = _("Vous faites partie du jury régional — %(named)s", named=jury.named)
            added = _("L’agence régionale de santé (%(place)s) vous a ajouté au jury régional du concours.",
                      place=jury.place)
        else:
            subject = _("Vous faites partie du jury national — %(named)s", named=jury.named)
            added = _("Les organisateurs nationaux vous ont ajouté au jury national du concours.")
        body = _("Bonjour,\n\n%(added)s\nConnectez-vous avec votre compte habituel : %(login)s",
                 added=added, login=absolute_url("auth.login"))
        queue_email(f"{jury.name}-jury-added:{jury.scope_id}:{user.id}:{now.isoformat()}", user.email, subject,
                    body + signature(), now)


def queue_reminder_email(user: User, jury, pending: int, now: datetime) -> None:
    """Remind a juror how many dossiers they still have to score for this jury."""
    with written_for(user):
        if jury.name == REGIONAL:
            subject = ngettext("Jury régional — %(num)s dossier à évaluer", "Jury régional — %(num)s dossiers à évaluer",
                               pending)
            left = ngettext("Il vous reste %(num)s dossier à évaluer pour le jury régional (%(place)s).",
                            "Il vous reste %(num)s dossiers à évaluer pour le jury régional (%(place)s).",
                            pending, place=jury.place)
        else:
            subject = ngettext("Jury national — %(num)s dossier à évaluer", "Jury national — %(num)s dossiers à évaluer",
                               pending)
            left = ngettext("Il vous reste %(num)s dossier à évaluer pour le jury national.",
                            "Il vous reste %(num)s dossiers à évaluer pour le jury national.", pending)
        body = _("Bonjour,\n\n%(left)s\nConnectez-vous pour remettre vos grilles : %(login)s",
                 left=left, login=absolute_url("auth.login"))
        queue_email(f"jury-reminder:{jury.name}:{jury.scope_id}:{user.id}:{now.isoformat()}", user.email, subject,
                    body + signature(), now)


def queue_jury_open_email(user: User, jury, dossiers: int, now: datetime) -> None:
    """Tell a juror their jury is open: how many dossiers wait, and where to start."""
    with written_for(user):
        if jury.name == REGIONAL:
            subject = _("Le jury régional est ouvert — %(named)s", named=jury.named)
        else:
            subject = _("Le jury national est ouvert — %(named)s", named=jury.named)
        waiting = ngettext("%(num)s dossier vous attend.", "%(num)s dossiers vous attendent.", dossiers)
        body = _("Bonjour,\n\nLe jury auquel vous siégez est ouvert : %(waiting)s Déclarez d’abord vos éventuels "
                 "conflits d’intérêts, puis notez chaque dossier sur les critères du concours.\n"
                 "Connectez-vous : %(login)s", waiting=waiting, login=absolute_url("auth.login"))
        queue_email(f"jury-open:{jury.name}:{jury.scope_id}:{user.id}", user.email, subject, body + signature(), now)

"""Who is told of a new message, by email in their own language: the other side of the thread.

A message from the ARS goes to the dossier's owner; a message from the candidate to every active
ARS account of the dossier's region. The email says that a message is waiting and links to the
dossier's page, where the person signs in to read it: the text stays in the app, where only the
two sides (and the national organisers) may read it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.extensions import db
from app.mail import queue_email, signature, written_for
from app.models import Candidature, Message, RoleMembership, User
from app.urls import absolute_url
from workflows.dossier import STEPS
from workflows.messages import Side
from workflows.states import Role


def region_organisers(region_id: int) -> list[User]:
    """The active ARS accounts of the region."""
    return db.session.scalars(
        db.select(User).join(RoleMembership)
        .where(RoleMembership.region_id == region_id, RoleMembership.role == Role.REGIONAL_ORGANISER.value,
               User.active.is_(True))
        .order_by(User.id)).all()


def queue_message_emails(candidature: Candidature, message: Message, now: datetime) -> None:
    """Tell the other side of the thread that ``message`` waits for them."""
    if message.side == Side.ARS:
        _queue(candidature.owner, candidature, message, now, absolute_url(
            "candidatures.step", candidature_id=candidature.id, number=len(STEPS), _anchor="messages"))
        return
    link = absolute_url("regional.candidature", region_id=candidature.region_id, candidature_id=candidature.id,
                        _anchor="messages")
    for organiser in region_organisers(candidature.region_id):
        _queue(organiser, candidature, message, now, link)


def _queue(user: User, candidature: Candidature, message: Message, now: datetime, link: str) -> None:
    with written_for(user):
        title = candidature.title or _("Projet sans titre")
        if message.side == Side.ARS:
            subject = _("Message de l’ARS sur votre candidature")
            news = _("L’agence régionale de santé (%(region)s) vous a écrit au sujet de votre dossier « %(title)s » "
                     "(récépissé n° %(number)s).", region=candidature.region.name, title=title,
                     number=candidature.receipt_number)
        else:
            subject = _("Message d’un candidat — %(title)s", title=title)
            news = _("Le candidat du dossier « %(title)s » (récépissé n° %(number)s) a écrit à l’ARS %(region)s.",
                     title=title, number=candidature.receipt_number, region=candidature.region.name)
        body = _("Bonjour,\n\n%(news)s\nPour lire le message et y répondre, connectez-vous : %(link)s",
                 news=news, link=link)
        queue_email(f"message:{message.id}:{user.id}", user.email, subject, body + signature(), now,
                    candidature=candidature)

"""The email inviting the sender of a dossier entered by the ARS to take it over, in their language."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.i18n import translated
from app.mail import queue_email, signature, written_for
from app.models import Candidature, UserToken
from app.receipts import paris_time
from app.urls import absolute_url


def queue_take_over_email(candidature: Candidature, token: UserToken, raw: str, now: datetime) -> None:
    """The receipt of the entered dossier and the single-use link (valid 30 days) to take it over; one
    email per link (the ARS may send a new one)."""
    owner, contest = candidature.owner, candidature.edition.contest
    link = absolute_url("emailed.take_over", token=raw)
    with written_for(owner):
        account = (_("Ouvrez ce lien (valable 30 jours, utilisable une seule fois) pour choisir le mot de passe "
                     "de votre compte et reprendre votre dossier :") if owner.password_hash is None else
                   _("Ouvrez ce lien (valable 30 jours, utilisable une seule fois) et connectez-vous avec cette "
                     "adresse pour reprendre votre dossier :"))
        body = "\n".join([
            _("Bonjour,"),
            "",
            _("L’agence régionale de santé (%(region)s) a reçu votre dossier de candidature par courriel et "
              "l’a saisi pour vous sur la plateforme du concours.", region=candidature.region.name),
            "",
            _("Concours : %(contest)s", contest=contest.name),
            _("Projet : %(title)s", title=candidature.title),
            _("Numéro de récépissé : %(number)s", number=candidature.receipt_number),
            _("Déposé le : %(at)s (heure de Paris), à la réception de votre courriel",
              at=paris_time(candidature.submitted_at)),
            "",
            account,
            "",
            link,
            "",
            _("Vérifiez-le : il reste modifiable jusqu’au %(deadline)s.",
              deadline=translated(contest.deadline_label)),
        ])
        queue_email(f"take-over:{candidature.id}:{token.id}", owner.email,
                    _("Votre dossier reçu par courriel — %(number)s", number=candidature.receipt_number),
                    body + signature(), now, candidature=candidature)

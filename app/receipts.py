"""Proofs of receipt: when the current one was issued, and the email that carries it.

A receipt is re-issued by every change to a submitted dossier: its fields (a new
``receipt_issued_at``) or its attachments (an audit row; attachment changes leave the
candidature row alone so that parallel uploads do not conflict on its version).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.extensions import db
from app.i18n import translated
from app.mail import queue_email, written_for
from app.urls import absolute_url
from app.models import AuditEntry, Candidature

ATTACHMENT_ACTIONS = ("attachment.add", "attachment.replace", "attachment.delete")


def receipt_number_key(typed: str) -> str:
    """A receipt number reduced to its capitals and digits, as a person may type it (lower case, with
    spaces, dashes or none): compare it with ``stored_receipt_key`` of the stored number."""
    return "".join(character for character in typed.upper() if character.isalnum())


def stored_receipt_key():
    """The stored receipt number reduced as ``receipt_number_key`` reduces a typed one (its
    separators are dashes: ``app.transitions.candidate.new_receipt_number``)."""
    return db.func.replace(db.func.upper(Candidature.receipt_number), "-", "")


def receipt_time(candidature: Candidature) -> datetime:
    """When the current receipt was issued: the last submission, edit or attachment change."""
    last_attachment_change = db.session.scalar(
        db.select(db.func.max(AuditEntry.at)).where(
            AuditEntry.candidature_id == candidature.id,
            AuditEntry.action.in_(ATTACHMENT_ACTIONS),
            AuditEntry.at >= candidature.submitted_at,
        )
    )
    return max(filter(None, (candidature.receipt_issued_at, last_attachment_change)))


def paris_time(moment: datetime) -> str:
    """« 12/10/2017 à 10:05:00 », « 12/10/2017, 10:05:00 »: Paris time (the app's timezone) in any language."""
    from flask_babel import format_datetime

    return format_datetime(moment, _("dd/MM/y 'à' HH:mm:ss"))


def queue_receipt_email(candidature: Candidature, now: datetime, *, reissued: bool) -> None:
    """The proof of receipt by email: one per submission, one per edit of a submitted dossier."""
    contest = candidature.edition.contest
    # One email per submission (a double click queues it once) and one per request that changes it.
    key = f"receipt:{candidature.id}:" + (f"reissued:{now.isoformat()}" if reissued else "submitted")
    receipt_url = absolute_url("candidatures.receipt", candidature_id=candidature.id)
    with written_for(candidature.owner):
        attachments = "\n".join(_("  - %(name)s : SHA-256 %(sha256)s", name=a.display_name, sha256=a.sha256)
                                for a in candidature.attachments)
        body = "\n".join([
            _("Bonjour,"),
            "",
            (_("Les modifications de votre dossier ont bien été enregistrées.") if reissued
             else _("Votre candidature a bien été déposée.")),
            "",
            _("Concours : %(contest)s", contest=contest.name),
            _("Projet : %(title)s", title=candidature.title),
            _("Numéro de récépissé : %(number)s", number=candidature.receipt_number),
            _("Déposée le : %(at)s (heure de Paris)", at=paris_time(candidature.submitted_at)),
            _("Récépissé émis le : %(at)s (heure de Paris)", at=paris_time(now)),
            _("Pièces jointes :"),
            attachments or _("  (aucune)"),
            "",
            _("Le dossier reste modifiable jusqu’au %(deadline)s.", deadline=translated(contest.deadline_label)),
            _("Récépissé à télécharger : %(link)s", link=receipt_url),
        ])
        subject = (_("Récépissé mis à jour — %(number)s", number=candidature.receipt_number) if reissued
                   else _("Récépissé de dépôt — %(number)s", number=candidature.receipt_number))
        queue_email(key, candidature.owner.email, subject, body, now, candidature=candidature)

"""Proofs of receipt: when the current one was issued, and the email that carries it.

A receipt is re-issued by every change to a submitted dossier: its fields (a new
``receipt_issued_at``) or its attachments (an audit row; attachment changes leave the
candidature row alone so that parallel uploads do not conflict on its version).
"""

from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.mail import queue_email
from app.urls import absolute_url
from app.models import AuditEntry, Candidature

ATTACHMENT_ACTIONS = ("attachment.add", "attachment.replace", "attachment.delete")


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


def paris_time(moment: datetime, contest) -> str:
    return moment.astimezone(contest.tz).strftime("%d/%m/%Y à %H:%M:%S")


def queue_receipt_email(candidature: Candidature, now: datetime, *, reissued: bool) -> None:
    """The proof of receipt by email: one per submission, one per edit of a submitted dossier."""
    contest = candidature.edition.contest
    # One email per submission (a double click queues it once) and one per request that changes it.
    key = f"receipt:{candidature.id}:" + (f"reissued:{now.isoformat()}" if reissued else "submitted")
    receipt_url = absolute_url("candidatures.receipt", candidature_id=candidature.id)
    attachments = "\n".join(f"  - {a.display_name} : SHA-256 {a.sha256}" for a in candidature.attachments)
    body = "\n".join([
        "Bonjour,",
        "",
        ("Les modifications de votre dossier ont bien été enregistrées." if reissued
         else "Votre candidature a bien été déposée."),
        "",
        f"Concours : {contest.name}",
        f"Projet : {candidature.title}",
        f"Numéro de récépissé : {candidature.receipt_number}",
        f"Déposée le : {paris_time(candidature.submitted_at, contest)} (heure de Paris)",
        f"Récépissé émis le : {paris_time(now, contest)} (heure de Paris)",
        "Pièces jointes :",
        attachments or "  (aucune)",
        "",
        f"Le dossier reste modifiable jusqu’au {contest.deadline_label}.",
        f"Récépissé à télécharger : {receipt_url}",
    ])
    subject = ("Récépissé mis à jour" if reissued else "Récépissé de dépôt") + f" — {candidature.receipt_number}"
    queue_email(key, candidature.owner.email, subject, body, now, candidature=candidature)

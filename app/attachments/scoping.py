"""One attachment of a candidature the user may reach (see ``app.scoping``); 404 otherwise."""

from __future__ import annotations

from flask import abort

from app.extensions import db
from app.models import Attachment, Candidature

def attachment_of(candidature: Candidature, attachment_id: int, *, for_update: bool = False) -> Attachment:
    """One of the candidature's attachments (row-locked for a change), else 404."""
    query = db.select(Attachment).filter_by(id=attachment_id, candidature_id=candidature.id)
    attachment = db.session.scalar(query.with_for_update() if for_update else query)
    if attachment is None:
        abort(404)
    return attachment

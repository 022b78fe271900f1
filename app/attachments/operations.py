"""Adding, replacing and deleting attachments: each checks the deadline, stores, writes the audit log.

A file is written to disk and hashed as the request's body is parsed, then synced and inspected by
``receive_upload``, all with no transaction open (on SQLite no write lock waits on a 10 MB body); the
operations then only place it. Operations flush but never commit. A file placed on disk is removed if
the transaction rolls back (see ``app.uploads.storage``); a file no longer referenced is removed after
the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from werkzeug.datastructures import FileStorage

from app.audit import record
from app.receipts import queue_receipt_email
from app.emailed.operations import entered_attachment_blockers
from app.extensions import db
from app.slots import insert_in_free_slot
from app.models import Attachment, Candidature, User
from app.transitions.engine import lock
from app.uploads import storage
from app.uploads.inspection import inspect_upload, too_large
from app.uploads.names import clean_display_name
from workflows.definition import AttachmentRules
from workflows.dossier import edit_blockers
from workflows.texts import Text, _l
from workflows.refusals import Refused, Stale
from workflows.states import Role, State


def full_message(candidature: Candidature) -> str:
    return _l("%(count)s pièces jointes maximum", count=candidature.edition.contest.attachments.max_count)


def attachment_blockers(candidature: Candidature, now: datetime, role: Role = Role.CANDIDATE) -> list[Text]:
    """Why ``role`` may not change the attachments now: the candidate under the dossier's own rule (draft or
    submitted, before the deadline); the ARS, adding the pieces of a dossier it entered, under the entry's."""
    if role == Role.REGIONAL_ORGANISER:
        return entered_attachment_blockers(candidature, now)
    return edit_blockers(State(candidature.state), now, candidature.edition.contest)


ATTACHMENT_CHANGED = _l("Cette pièce jointe a changé entre-temps (dans un autre onglet ou par une autre personne) : "
                        "rien n’a été modifié. Voici la liste à jour.")


def check_seen(attachment: Attachment, seen: str | None) -> None:
    """The page the person acted from showed this file (its SHA-256): a tab left open on a file that was
    replaced meanwhile, or deleted and its id given to the next one (SQLite reuses the highest id),
    must not replace or delete the file that took its place."""
    if seen != attachment.sha256:
        raise Stale([ATTACHMENT_CHANGED])


def check_editable(candidature: Candidature, now: datetime, role: Role = Role.CANDIDATE) -> None:
    if reasons := attachment_blockers(candidature, now, role):
        raise Refused(reasons)


def _reissue_receipt(candidature: Candidature, now: datetime) -> None:
    """A submitted dossier whose attachments change gets a new receipt, as for any edit."""
    if candidature.state == State.SUBMITTED.value:
        queue_receipt_email(candidature, now, reissued=True)


@dataclass(frozen=True)
class Upload:
    """A file received complete, measured and inspected: ready to be placed."""

    display_name: str
    received: storage.IncomingFile
    mime_type: str


@contextmanager
def receive_upload(file: FileStorage, rules: AttachmentRules) -> Iterator[Upload]:
    """Receive (sync) and inspect ``file`` (Refused when too large or of a refused type); on leaving,
    its temporary file is gone unless an operation placed it."""
    display_name = clean_display_name(file.filename)
    received = storage.receive(file.stream, rules.max_bytes)
    if received is None:
        raise Refused([too_large(rules.max_bytes)])
    with received:
        yield Upload(display_name, received, inspect_upload(received, display_name, rules))


def add_attachment(candidature: Candidature, upload: Upload, *, actor: User, now: datetime,
                   role: Role = Role.CANDIDATE) -> Attachment:
    """Store a file in the first free slot; the unique (candidature, slot) settles races (``app.slots``)."""
    if role != Role.CANDIDATE:  # an ARS attaching to the dossier it entered: a take-over waits (``take_over``)
        lock(candidature.region, candidature)
    check_editable(candidature, now, role)
    taken = _taken_slots(candidature)
    if len(taken) >= candidature.edition.contest.attachments.max_count:
        raise Refused([full_message(candidature)])
    fields = _place(upload, now=now, actor=actor)
    attachment = insert_in_free_slot(Attachment, {"candidature_id": candidature.id, **fields}, "candidature_id",
                                     lambda: _taken_slots(candidature),
                                     candidature.edition.contest.attachments.max_count, seen=taken)
    if attachment is None:  # taken meanwhile by concurrent uploads
        storage.discard(fields["stored_name"])
        raise Refused([full_message(candidature)])
    record("attachment.add", actor=actor, role=role.value, at=now, candidature=candidature,
           data=_summary(attachment))
    _reissue_receipt(candidature, now)
    return attachment


def replace_attachment(attachment: Attachment, upload: Upload, *, seen: str | None, actor: User, now: datetime) -> None:
    """Put a new file in the attachment's slot (``seen``: ``check_seen``); the old file goes once the commit
    succeeds."""
    candidature = attachment.candidature
    check_editable(candidature, now)
    check_seen(attachment, seen)
    previous = _summary(attachment)
    old_name = attachment.stored_name
    for name, value in _place(upload, now=now, actor=actor).items():
        setattr(attachment, name, value)
    db.session.flush()
    storage.remove_after_commit(old_name)
    record("attachment.replace", actor=actor, role=Role.CANDIDATE.value, at=now, candidature=candidature,
           data={**_summary(attachment), "previous": previous})
    _reissue_receipt(candidature, now)


def delete_attachment(attachment: Attachment, *, seen: str | None, actor: User, now: datetime) -> None:
    """Free the attachment's slot (``seen``: ``check_seen``); its file goes once the commit succeeds."""
    candidature = attachment.candidature
    check_editable(candidature, now)
    check_seen(attachment, seen)
    summary = _summary(attachment)
    db.session.delete(attachment)
    db.session.flush()
    storage.remove_after_commit(attachment.stored_name)
    record("attachment.delete", actor=actor, role=Role.CANDIDATE.value, at=now, candidature=candidature,
           data=summary)
    _reissue_receipt(candidature, now)


def _place(upload: Upload, *, now: datetime, actor: User) -> dict:
    """Place the received file under its stored name; the column values of its attachment row."""
    return {
        "display_name": upload.display_name,
        "stored_name": storage.place(upload.received),
        "mime_type": upload.mime_type,
        "size": upload.received.size,
        "sha256": upload.received.sha256,
        "uploaded_by_id": actor.id,
        "uploaded_at": now,
    }


def _taken_slots(candidature: Candidature) -> set[int]:
    return set(db.session.scalars(db.select(Attachment.slot).filter_by(candidature_id=candidature.id)))


def _summary(attachment: Attachment) -> dict:
    return {"slot": attachment.slot, "display_name": attachment.display_name, "size": attachment.size,
            "sha256": attachment.sha256}

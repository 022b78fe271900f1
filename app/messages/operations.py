"""Writing a message in a dossier's thread: the one operation, with its audit row and its emails.

It flushes, never commits (the request commits once); it never touches the dossier's own columns,
so a frozen or submitted dossier stays exactly as it was.
"""

from __future__ import annotations

from datetime import datetime

from app.audit import record
from app.extensions import db
from app.messages.emails import queue_message_emails
from app.messages.threads import blockers, thread
from app.models import Candidature, Message, User
from app.transitions.engine import lock
from workflows.messages import Side, message_problem
from workflows.refusals import Invalid, Refused
from workflows.states import Role

ROLES = {Side.CANDIDATE: Role.CANDIDATE, Side.ARS: Role.REGIONAL_ORGANISER}


def post_message(candidature: Candidature, body: str, *, author: User, side: Side, now: datetime) -> Message:
    """Add ``author``'s message to the thread when ``side`` may write now; email the other side.

    The candidature's row is locked first, so two messages written at once are judged one after
    the other (after the deadline, one answer per message of the ARS). The audit row says that a
    message was sent, not what it says: the text may hold personal data, and the log is never erased.
    """
    lock(candidature)
    if reasons := blockers(candidature, side, thread(candidature), now):
        raise Refused(reasons)
    if problem := message_problem(body, candidature.edition.contest):
        raise Invalid({"body": problem})
    message = Message(candidature_id=candidature.id, author_id=author.id, side=side.value, body=body.strip(),
                      sent_at=now)
    db.session.add(message)
    db.session.flush()
    record("message.send", actor=author, role=ROLES[side].value, at=now, candidature=candidature,
           data={"message_id": message.id, "side": side.value})
    queue_message_emails(candidature, message, now)
    return message

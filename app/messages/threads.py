"""Reading threads: one dossier's messages, and which dossiers await an answer from one side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.extensions import db
from app.models import Candidature, Message, Region, User
from app.moments import region_moment
from workflows.messages import Side, message_blockers
from workflows.states import State


def thread(candidature: Candidature) -> list[Message]:
    """The dossier's messages, oldest first (one query)."""
    return db.session.scalars(
        db.select(Message).filter_by(candidature_id=candidature.id).order_by(Message.id)).all()


def last_side(messages: list[Message]) -> Side | None:
    return Side(messages[-1].side) if messages else None


def blockers(candidature: Candidature, side: Side, messages: list[Message], now: datetime) -> list:
    """Why ``side`` may not write in this thread now (``workflows.messages`` judges)."""
    return message_blockers(side, State(candidature.state), region_moment(candidature.region, now),
                            last_side(messages), candidature.edition.contest)


def author_label(message: Message, reader: User, region: Region) -> str:
    """« Vous » for the reader's own messages, else the side the author wrote for."""
    if message.author_id == reader.id:
        return _("Vous")
    return _("ARS %(region)s", region=region.name) if message.side == Side.ARS else _("Candidat")


def awaiting_answer_from(side: Side, *conditions) -> set[int]:
    """The candidatures (among those ``conditions`` on Candidature select) whose latest message is
    from the other side, so that ``side`` is awaited; one query whatever their number."""
    latest = (db.select(db.func.max(Message.id)).join(Candidature, Candidature.id == Message.candidature_id)
              .where(*conditions).group_by(Message.candidature_id))
    other = Side.CANDIDATE if side == Side.ARS else Side.ARS
    return set(db.session.scalars(
        db.select(Message.candidature_id).where(Message.id.in_(latest), Message.side == other.value)))


@dataclass(frozen=True)
class ThreadView:
    """What a dossier page shows of its thread: the messages, and the form or why there is none."""

    messages: list[Message]
    region: Region
    reader: User
    side: Side | None  # the reader's side when they may write in it; None for a national organiser who reads
    blockers: list

    @classmethod
    def of(cls, candidature: Candidature, reader: User, side: Side | None, now: datetime) -> ThreadView:
        messages = thread(candidature)
        return cls(messages, candidature.region, reader, side,
                   blockers(candidature, side, messages, now) if side is not None else [])

    def author(self, message: Message) -> str:
        return author_label(message, self.reader, self.region)

    @property
    def writable(self) -> bool:
        return self.side is not None and not self.blockers

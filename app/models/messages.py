"""The messages between a candidate and the ARS of their region, one thread per candidature."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.users import sql_in
from workflows.messages import Side


class Message(db.Model):
    """One message of a dossier's thread; never edited (the thread is read in id order)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # The side the author wrote for: the page says « ARS <région> » or « Candidat » from it, and the
    # latest message's side tells who is awaited.
    side: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(sql_in("side", [side.value for side in Side]), name="side_known"),
        CheckConstraint("length(body) > 0", name="body_not_empty"),
        Index(None, "candidature_id", "id"),
    )

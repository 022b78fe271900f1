"""The append-only audit log: every state change and every edit leaves one row.

Rows are never updated nor deleted: the ORM refuses it here, and database triggers (created by
the migrations) refuse it for any other client. The foreign keys have no ON DELETE action, so a
user, region or candidature named in the log cannot be deleted from under it.

The rows form a hash chain (``app.audit_chain`` says how a hash is computed). Every flush that
adds rows first locks the chain's head (``audit_chain_head``, one row: the last id and hash) with
``FOR UPDATE``, numbers the new rows after it, hashes them and moves the head; the lock is held
until the transaction ends, so two transactions appending at once are chained one after the other
and ids follow the chain. SQLite has no row locks: its writers are serialised already
(``app.database``). The head is locked when the audit rows are flushed, after the rows an
operation locks first (``app.transitions.engine.lock``), so the head is the last lock taken.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import instance_state

from app.audit_chain import as_stored, row_hash
from app.extensions import db
from app.models.types import UTCDateTime

HEAD_ID = 1


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    candidature_id: Mapped[int | None] = mapped_column(ForeignKey("candidatures.id"))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))  # set at flush time: the chain's head then
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index(None, "candidature_id"),
        Index(None, "region_id"),
        Index(None, "action"),
    )

    def chained_fields(self) -> dict[str, Any]:
        """The columns a hash covers (``app.audit_chain.FIELDS``), as they are now."""
        return {"id": self.id, "at": self.at, "actor_id": self.actor_id, "actor_role": self.actor_role,
                "action": self.action, "edition_id": self.edition_id, "region_id": self.region_id,
                "candidature_id": self.candidature_id, "from_state": self.from_state, "to_state": self.to_state,
                "reason": self.reason, "data": self.data}


class AuditChainHead(db.Model):
    """The last row of the chain (id 0 and the genesis hash while the log is empty); one row."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)


# Built once: every audited transaction runs them.
_HEAD = AuditChainHead.__table__
_LOCK_HEAD = select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_id=bindparam("new_id"),
                                                               last_hash=bindparam("new_hash"))


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise PermissionError("audit_log is append-only")


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context, _instances) -> None:
    """Number and hash the entries this flush adds, in the order they were added, after the locked head."""
    entries = sorted((obj for obj in session.new if isinstance(obj, AuditEntry)),
                     key=lambda entry: instance_state(entry).insert_order)
    if not entries:
        return
    connection = session.connection()
    last_id, last_hash = connection.execute(_LOCK_HEAD).one()
    for entry in entries:
        entry.id, entry.prev_hash, entry.data = last_id + 1, last_hash, as_stored(entry.data)
        entry.hash = row_hash(entry.chained_fields(), entry.prev_hash)
        last_id, last_hash = entry.id, entry.hash
    connection.execute(_MOVE_HEAD, {"new_id": last_id, "new_hash": last_hash})

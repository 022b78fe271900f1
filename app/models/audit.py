"""The append-only audit log: every state change and every edit leaves one row.

Rows are never updated nor deleted: the ORM refuses it here, and database triggers (created by
the migration) refuse it for any other client. The foreign keys have no ON DELETE action, so a
user, region or candidature named in the log cannot be deleted from under it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


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

    __table_args__ = (
        Index(None, "candidature_id"),
        Index(None, "region_id"),
        Index(None, "action"),
    )


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise PermissionError("audit_log is append-only")

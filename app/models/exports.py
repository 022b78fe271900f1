"""Files prepared by a job for the one person who asked: the shortlist archive, a large book (national
organisers), a region's minutes and the candidature and marks tables (organisers, scoped to their regions)."""

from __future__ import annotations

from datetime import datetime

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.users import sql_in

EXPORT_KINDS = ("book", "archive", "minutes", "candidatures", "notes")
EXPORT_STATES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    # Only this person may follow and download it (app.policy.requested).
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    # Percent done, written by the job as it goes; the page that follows it reads it from here.
    progress: Mapped[int] = mapped_column(default=0)
    # When the running job last reported (its start, then each percent): a worker that died stops it.
    progressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The server-made name of the file under EXPORT_DIR, once it is complete.
    stored_name: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The region a regional file is about (the minutes, a one-region table): its organisers' scope.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    # What the file is made of, fixed when asked: a table's format, regions, jury stages and list filters.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        CheckConstraint(sql_in("kind", EXPORT_KINDS), name="kind_known"),
        CheckConstraint(sql_in("state", EXPORT_STATES), name="state_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("(state = 'done') = (stored_name IS NOT NULL)", name="file_when_done"),
    )

"""Jury work: conflicts of interest, scoresheets and marks, regional picks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.candidatures import Candidature
from app.models.types import UTCDateTime
from app.models.users import User, sql_in

STAGES = ("regional", "national")
FIGURES = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class ConflictDeclaration(db.Model):
    """A juror's declaration about one candidature: no conflict, or a conflict with its reason."""

    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    has_conflict: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    # juror, organiser or automatic (matching organisation identifiers)
    source: Mapped[str] = mapped_column(String(16))
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("candidature_id", "juror_id", "stage"),
        CheckConstraint(sql_in("stage", STAGES), name="stage_known"),
        CheckConstraint(sql_in("source", ["juror", "organiser", "automatic"]), name="source_known"),
        CheckConstraint("NOT has_conflict OR reason IS NOT NULL", name="conflict_has_reason"),
        # The standing conflicts, a handful among the jurors' declarations (one per juror and dossier):
        # every expected-work query leaves them out (``app.jury.workload``) without reading the others.
        Index("ix_conflict_declarations_standing", "candidature_id", "juror_id", "stage",
              sqlite_where=text("has_conflict IS 1"), postgresql_where=text("has_conflict IS TRUE")),
    )


class Scoresheet(db.Model):
    """One juror's marks on one candidature at one stage."""

    __tablename__ = "scoresheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    stage: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    # A submitted sheet's figures, as ``scoring`` computes them from its marks (``app.jury.figures``,
    # written where a sheet is saved): its weighted total and its mark per criterion. The rankings and
    # the juries' statistics add these up over tens of thousands of sheets without reading the marks.
    # None while the sheet is a draft (it counts for nothing). JSONB on PostgreSQL: its marks are read
    # from a binary form, several times faster over a region's sheets than re-parsing JSON text.
    total: Mapped[int | None]
    criterion_marks: Mapped[dict[str, int] | None] = mapped_column(FIGURES)

    candidature: Mapped[Candidature] = relationship()
    juror: Mapped[User] = relationship()
    marks: Mapped[list[Mark]] = relationship(back_populates="scoresheet", cascade="all, delete-orphan")

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("candidature_id", "juror_id", "stage"),
        CheckConstraint(sql_in("stage", STAGES), name="stage_known"),
        CheckConstraint(sql_in("status", ["draft", "submitted"]), name="status_known"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_at_iff_submitted"),
        CheckConstraint("(status = 'submitted') = (total IS NOT NULL AND criterion_marks IS NOT NULL)",
                        name="figures_iff_submitted"),
    )


class Mark(db.Model):
    """One mark per scoresheet and criterion (so per juror, candidature, criterion and stage)."""

    __tablename__ = "marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    scoresheet_id: Mapped[int] = mapped_column(ForeignKey("scoresheets.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(64))
    value: Mapped[int]
    justification: Mapped[str] = mapped_column(Text, default="")

    scoresheet: Mapped[Scoresheet] = relationship(back_populates="marks")

    __table_args__ = (
        UniqueConstraint("scoresheet_id", "criterion"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )


class RegionalPick(db.Model):
    """A candidature selected by its region for the national stage, with the ARS opinion.

    Slots 1..max unique per region, max being the edition's (``editions.max_picks``, checked by a
    trigger): the regional quota holds even under concurrent selections.
    """

    __tablename__ = "regional_picks"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    slot: Mapped[int]
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"), unique=True)
    opinion: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    candidature: Mapped[Candidature] = relationship()

    __table_args__ = (
        UniqueConstraint("region_id", "slot"),
        CheckConstraint("slot >= 1", name="slot_positive"),
    )


class JuryAssignment(db.Model):
    """A regional juror assigned to score one dossier; read only while the region has ``jurors_per_dossier``."""

    __tablename__ = "jury_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("candidature_id", "juror_id"),)

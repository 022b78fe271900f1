"""Contest editions and their regions; an edition carries its own definition file."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.users import sql_in
from workflows.definition import Contest, loads_contest
from workflows.states import NationalStage, RegionStage


@lru_cache(maxsize=32)
def _parse(definition_toml: str, slug: str) -> Contest:
    return loads_contest(definition_toml, source=f"{slug}.toml")


class Edition(db.Model):
    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # The definition file as loaded: the rules of this edition, whatever later files say.
    definition_toml: Mapped[str] = mapped_column(Text)
    submission_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    national_stage: Mapped[str] = mapped_column(String(32), default=NationalStage.REGIONAL.value)
    winner_rationale: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Slot ceilings copied from the definition at load: the database checks each attachment's and
    # each regional pick's slot against its own edition's (triggers of migration 0003), so a new
    # edition with other limits needs no migration.
    max_attachments: Mapped[int]
    max_picks: Mapped[int]
    # The definition's number of winners, checked by a trigger of migration 0005 likewise.
    max_winners: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # In the definition's order (the ARS list: metropolitan regions A to Z, then overseas), which every page,
    # export and the book follow: by name, « Île-de-France » came after « Provence » (accents sort after Z).
    regions: Mapped[list[Region]] = relationship(
        back_populates="edition", order_by="Region.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(sql_in("national_stage", [s.value for s in NationalStage]), name="national_stage_known"),
        CheckConstraint("max_attachments >= 1", name="max_attachments_positive"),
        CheckConstraint("max_picks >= 1", name="max_picks_positive"),
    )

    @property
    def contest(self) -> Contest:
        """The parsed definition (cached per text)."""
        return _parse(self.definition_toml, self.slug)

    @property
    def stage(self) -> NationalStage:
        return NationalStage(self.national_stage)


class Region(db.Model):
    """A regional health agency (ARS) taking part in one edition, with its stage."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32), default=RegionStage.SUBMISSIONS.value)
    # Written reason when a region closes short of its quota, or why it was excused.
    closing_reason: Mapped[str | None] = mapped_column(Text)
    # Jurors per dossier when the ARS assigned the dossiers (``jury_assignments``); None: every juror
    # of the region scores every dossier.
    jurors_per_dossier: Mapped[int | None]

    edition: Mapped[Edition] = relationship(back_populates="regions")

    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint(sql_in("stage", [s.value for s in RegionStage]), name="stage_known"),
        CheckConstraint("jurors_per_dossier IS NULL OR jurors_per_dossier >= 1", name="jurors_per_dossier_positive"),
    )

    @property
    def region_stage(self) -> RegionStage:
        return RegionStage(self.stage)

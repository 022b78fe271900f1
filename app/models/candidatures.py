"""Candidatures (the dossier), their partners and their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from app.models.users import User, sql_in
from workflows.dossier import FIELDS, MAPPINGS
from workflows.folding import search_text
from workflows.states import State


class Candidature(db.Model):
    __tablename__ = "candidatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(32), default=State.DRAFT.value)
    version: Mapped[int] = mapped_column(default=1)

    # The applicant
    category: Mapped[str | None] = mapped_column(String(64))
    structure_name: Mapped[str | None] = mapped_column(String(300))
    identifier: Mapped[str | None] = mapped_column(String(14))  # FINESS, SIRET, RNA or RPPS
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_function: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    # The project
    title: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    modalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    domain_other: Mapped[str | None] = mapped_column(String(300))
    project_stage: Mapped[str | None] = mapped_column(String(64))
    link: Mapped[str | None] = mapped_column(String(500))
    # criterion key -> the candidate's answer
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # attestation key -> bool
    attestations: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)

    # Proof of receipt: an unguessable number, issued at the first submission.
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A dossier the region received by email and its ARS entered (app.emailed): who entered it, the
    # sender's address (the evidence, and the owner's), when the email arrived (its submission time)
    # and when its candidate took it over by the emailed link.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # accounts are anonymised, never deleted
    sender_email: Mapped[str | None] = mapped_column(String(254))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_key: Mapped[str | None] = mapped_column(String(32))  # the entry form's one-time key (app.emailed)
    # Admissibility decision
    inadmissibility_code: Mapped[str | None] = mapped_column(String(64))
    inadmissibility_reason: Mapped[str | None] = mapped_column(Text)
    # What the lists' text search reads: the SEARCHED fields folded (workflows.folding), kept by
    # ``_fold_search_text`` whenever the row is written.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The jury scores a fixed version of the dossier from this instant on.
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by app.privacy.erasure: contact, partners' names and attachments gone, the project kept.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    edition: Mapped["Edition"] = relationship()  # noqa: F821
    region: Mapped["Region"] = relationship()  # noqa: F821
    partners: Mapped[list[Partner]] = relationship(
        back_populates="candidature", order_by="Partner.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="candidature", order_by="Attachment.slot", cascade="all, delete-orphan"
    )

    # Optimistic locking: a save based on a stale version fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(sql_in("state", [s.value for s in State]), name="state_known"),
        # Every state past the draft was reached by a submission, except a withdrawn draft.
        CheckConstraint(
            "state IN ('draft', 'withdrawn') OR (receipt_number IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_receipt",
        ),
        # An entered dossier was submitted when its email was received, whenever the ARS typed it.
        CheckConstraint("received_at IS NULL OR submitted_at = received_at", name="entered_submitted_when_received"),
        CheckConstraint(
            "state <> 'inadmissible' OR inadmissibility_reason IS NOT NULL", name="inadmissible_has_reason"
        ),
        # At most the edition's number of winners (editions.max_winners), whatever two organisers do
        # at the same moment: a trigger of migration 0005 counts them on the locked edition row.
        Index(None, "edition_id", "region_id", "state"),
        Index(None, "owner_id"),
        # The same entry form sent twice (a double click, a second tab) enters one dossier.
        Index(None, "entry_key", unique=True),
    )

    @property
    def current_state(self) -> State:
        return State(self.state)

    def dossier(self) -> dict:
        """The dossier as a plain mapping, as ``workflows.dossier`` reads it."""
        dossier = {field: getattr(self, field) for field in FIELDS + MAPPINGS}
        dossier["partners"] = [
            {"side": p.side, "name": p.name, "organisation": p.organisation, "role": p.role} for p in self.partners
        ]
        return dossier

    @property
    def entered_by_ars(self) -> bool:
        return self.received_at is not None

    @property
    def awaiting_take_over(self) -> bool:
        """Entered by the ARS, and its candidate has not yet followed the emailed link."""
        return self.entered_by_ars and self.taken_over_at is None


# The fields a list's text search finds a dossier by (the search form's hint names them).
SEARCHED = ("title", "structure_name", "receipt_number", "identifier")


@event.listens_for(Candidature, "before_insert")
@event.listens_for(Candidature, "before_update")
def _fold_search_text(_mapper, _connection, candidature: Candidature) -> None:
    """The one place the search text is written: every write of the row, whoever changed its text
    (the candidate, the ARS entering it, a submission’s receipt, an erasure); a backup restores it as stored."""
    candidature.search_text = search_text(*(getattr(candidature, field) for field in SEARCHED))


class Partner(db.Model):
    """A member of the partnership: patient side (usager) or professional side (soignant)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    candidature: Mapped[Candidature] = relationship(back_populates="partners")

    __table_args__ = (CheckConstraint(sql_in("side", ["usager", "soignant"]), name="side_known"),)


class Attachment(db.Model):
    """A stored file; ``stored_name`` is generated by the server, ``display_name`` is cleaned."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidature_id: Mapped[int] = mapped_column(ForeignKey("candidatures.id", ondelete="CASCADE"))
    slot: Mapped[int]
    display_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    mime_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    candidature: Mapped[Candidature] = relationship(back_populates="attachments")

    __table_args__ = (
        UniqueConstraint("candidature_id", "slot"),
        # The ceiling is the edition's own (editions.max_attachments), held by a trigger: see
        # migrations/versions/0003_edition_slot_limits.py.
        CheckConstraint("slot >= 1", name="slot_positive"),
        CheckConstraint("size > 0", name="size_positive"),
    )

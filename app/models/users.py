"""Accounts, role memberships and single-use tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime
from workflows.states import Role

REGIONAL_ROLES = tuple(role.value for role in Role if role.is_regional)
STAFF_ROLES = tuple(role.value for role in Role if role.is_edition_staff)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def sql_in(column: str, values) -> str:
    """``column IN ('a', 'b')`` for CHECK constraints built from enums."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # FINESS, SIRET or RNA of the juror's organisation, to detect conflicts of interest.
    organisation_identifier: Mapped[str | None] = mapped_column(String(14))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie: rotating it at logout makes every copy of the cookie useless.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    preferred_locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by app.privacy.erasure: name and address replaced, password and tokens gone, account closed.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (app.mfa). The TOTP secret (base32, 160 random bits) is stored as it is: the
    # authenticator needs it and so does the check, a hash would not do. It is shown once, on the
    # enrolment page of its owner, until the first code confirms it; no page, export, audit row, log
    # line or email ever carries it afterwards, and resetting or turning off the second factor erases
    # it. Whoever can read this table can compute codes: database access and its backups stay as
    # restricted as for the password hashes beside it. A secret without ``mfa_enrolled_at`` is an
    # enrolment under way (not yet asked at sign-in).
    mfa_secret: Mapped[str | None] = mapped_column(String(32))
    mfa_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second step whose code was accepted: a code, once used, is never accepted again.
    mfa_last_step: Mapped[int | None] = mapped_column(BigInteger)

    memberships: Mapped[list[RoleMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("mfa_enrolled_at IS NULL OR mfa_secret IS NOT NULL", name="mfa_enrolled_with_secret"),
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role, region_id: int | None = None) -> bool:
        """True when the user holds one of ``roles`` (in ``region_id`` for regional roles)."""
        return any(
            m.role in roles and (region_id is None or m.region_id in (None, region_id))
            for m in self.memberships
        )

    def region_ids(self, *roles: Role) -> set[int]:
        """Regions in which the user holds one of the regional ``roles``."""
        return {m.region_id for m in self.memberships if m.role in roles and m.region_id}

    def edition_ids(self, *roles: Role) -> set[int]:
        """Editions in which the user holds one of ``roles`` (staff roles are held per edition)."""
        return {m.edition_id for m in self.memberships if m.role in roles and m.edition_id}

    @property
    def roles(self) -> set[Role]:
        return {Role(m.role) for m in self.memberships}

    @property
    def second_factor_enrolled(self) -> bool:
        return self.mfa_enrolled_at is not None

    @property
    def second_factor_required(self) -> bool:
        return any(role.requires_second_factor for role in self.roles)

    @property
    def second_factor_offered(self) -> bool:
        return any(role.offers_second_factor for role in self.roles)

    @property
    def must_enrol_second_factor(self) -> bool:
        """A role requires the second factor and none is enrolled yet: the enrolment comes first."""
        return self.second_factor_required and not self.second_factor_enrolled


class RoleMembership(db.Model):
    """A role held by a user; staff roles belong to one edition, regional ones to one of its regions.

    A regional membership's edition is its region's, filled in at insert (``_edition_of_region``).
    """

    __tablename__ = "role_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="memberships")
    region: Mapped["Region | None"] = relationship(lazy="joined")  # noqa: F821
    edition: Mapped["Edition | None"] = relationship()  # noqa: F821

    __table_args__ = (
        CheckConstraint(sql_in("role", [r.value for r in Role]), name="role_known"),
        CheckConstraint(
            f"({sql_in('role', REGIONAL_ROLES)}) = (region_id IS NOT NULL)",
            name="region_iff_regional_role",
        ),
        CheckConstraint(f"({sql_in('role', STAFF_ROLES)}) = (edition_id IS NOT NULL)", name="edition_iff_staff_role"),
        UniqueConstraint("user_id", "role", "region_id"),
        Index(None, "edition_id", "role"),
    )


@event.listens_for(RoleMembership, "before_insert")
def _edition_of_region(_mapper, connection, membership: RoleMembership) -> None:
    if membership.region_id is not None:
        membership.edition_id = connection.execute(
            text("SELECT edition_id FROM regions WHERE id = :id"), {"id": membership.region_id}).scalar_one()


# take_over: the candidate of a dossier entered by the ARS (app.emailed) takes it over.
TOKEN_PURPOSES = ("verify_email", "reset_password", "invitation", "take_over")


class UserToken(db.Model):
    """A single-use, expiring token (email verification, password reset, jury invitation, take-over).

    Only the SHA-256 of the token is stored: a database leak does not hand out live links.
    """

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(sql_in("purpose", TOKEN_PURPOSES), name="purpose_known"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        Index(None, "user_id", "purpose"),
    )


class MfaRecoveryCode(db.Model):
    """A single-use recovery code of the second factor, for a lost authenticator.

    Shown once to its owner; only its SHA-256 is stored, so the table holds no usable code. A slow
    hash would add nothing: whoever reads this table reads the TOTP secret beside it."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

"""Creating accounts and granting roles."""

from __future__ import annotations

from datetime import datetime

from app.audit import record
from app.editions import current_edition
from app.extensions import db
from app.models import Edition, Region, RoleMembership, User
from workflows.refusals import Refused
from workflows.states import Role


def normalise_email(email: str) -> str:
    """Addresses are compared without case and surrounding spaces."""
    return email.strip().lower()


def find_edition(edition_slug: str | None) -> Edition:
    """The edition named, or the current one."""
    edition = (
        db.session.scalar(db.select(Edition).filter_by(slug=edition_slug)) if edition_slug else current_edition()
    )
    if edition is None:
        raise Refused([f"Édition inconnue : {edition_slug}" if edition_slug else
                       "Aucune édition n’est chargée : lancez d’abord « flask --app app contest load »."])
    return edition


def find_region(region_code: str | None, edition_slug: str | None) -> Region:
    edition = find_edition(edition_slug)
    region = db.session.scalar(db.select(Region).filter_by(edition_id=edition.id, code=region_code))
    if region is None:
        raise Refused([f"Région inconnue pour l’édition {edition.slug} : {region_code}"])
    return region


def create_user(*, email: str, password_hash: str | None, role: Role, now: datetime, region_code: str | None = None,
                edition_slug: str | None = None, display_name: str = "", verified: bool = False) -> User:
    """Create a user holding ``role`` (staff roles in an edition, regional ones in its region); the caller
    commits. The caller checked the password's length and hashed it before the transaction (app.passwords)."""
    email = normalise_email(email)
    if db.session.scalar(db.select(User.id).filter_by(email=email)):
        raise Refused([f"Un compte existe déjà pour {email}."])
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        created_at=now,
        email_verified_at=now if verified else None,
    )
    db.session.add(user)
    _membership(user, role, now, region_code, edition_slug)
    db.session.flush()
    record("user.create", actor=None, role=None, at=now, region_id=user.memberships[-1].region_id,
           data={"user_id": user.id, "role": role.value})
    return user


def grant_role(user: User, *, role: Role, now: datetime, region_code: str | None = None,
               edition_slug: str | None = None) -> RoleMembership:
    """Give an existing account one more role, e.g. the same organiser in next year's edition."""
    membership = _membership(user, role, now, region_code, edition_slug)
    db.session.flush()
    record("user.grant", actor=None, role=None, at=now, region_id=membership.region_id,
           data={"user_id": user.id, "role": role.value, "edition_id": membership.edition_id})
    return membership


def _membership(user: User, role: Role, now: datetime, region_code: str | None,
                edition_slug: str | None) -> RoleMembership:
    """Append ``role`` to the user's memberships: staff roles in an edition, regional ones in its region."""
    if role.is_regional and not region_code:
        raise Refused([f"Le rôle « {role.label} » demande une région (--region)."])
    if not role.is_regional and region_code:
        raise Refused([f"Le rôle « {role.label} » n’est pas rattaché à une région."])
    region = find_region(region_code, edition_slug) if role.is_regional else None
    edition = find_edition(edition_slug) if role.is_edition_staff and not role.is_regional else None
    if any(m.role == role.value and m.region_id == (region.id if region else None)
           and (region is not None or m.edition_id == (edition.id if edition else None)) for m in user.memberships):
        raise Refused([f"{user.email} a déjà ce rôle dans cette édition."])
    membership = RoleMembership(role=role.value, region=region, edition=edition, created_at=now)
    user.memberships.append(membership)
    return membership

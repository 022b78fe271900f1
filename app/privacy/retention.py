"""The retention period: what ``flask --app app retention apply`` anonymises, with the erasure's own operation.

A dossier expires once its edition's results were published ``data.retention_months`` ago (its own
edition's definition); its owner's account goes with the last of their dossiers, unless the account
holds a staff role (jurors and organisers are left to an erasure on request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit import record
from app.extensions import db
from app.models import Candidature, Edition, User
from app.privacy.erasure import anonymise_candidature, anonymise_person, kept_until
from workflows.states import Role


@dataclass(frozen=True)
class Expired:
    candidature: Candidature
    since: datetime  # when its retention ended


@dataclass(frozen=True)
class Plan:
    candidatures: list[Expired]
    accounts: list[User]


def expired(now: datetime) -> Plan:
    """The dossiers whose retention has ended and the accounts left with nothing else to keep."""
    ends = {edition.id: kept_until(edition) for edition in db.session.scalars(
        db.select(Edition).where(Edition.published_at.is_not(None)))}
    over = [edition_id for edition_id, end in ends.items() if end is not None and end <= now]
    candidatures = db.session.scalars(
        db.select(Candidature).where(Candidature.edition_id.in_(over), Candidature.anonymised_at.is_(None))
        .order_by(Candidature.id)).all() if over else []
    expiring = {candidature.id for candidature in candidatures}
    owners = db.session.scalars(db.select(User).where(
        User.id.in_({candidature.owner_id for candidature in candidatures}), User.anonymised_at.is_(None))
        .order_by(User.id)).all()
    kept = set(db.session.scalars(db.select(Candidature.owner_id).where(
        Candidature.owner_id.in_([owner.id for owner in owners]), Candidature.anonymised_at.is_(None),
        Candidature.id.not_in(expiring))))
    accounts = [owner for owner in owners if owner.id not in kept and owner.roles <= {Role.CANDIDATE}]
    return Plan([Expired(candidature, ends[candidature.edition_id]) for candidature in candidatures], accounts)


def apply_retention(plan: Plan, *, now: datetime) -> None:
    """Anonymise what ``expired`` found, one audit row each; the caller commits."""
    for item in plan.candidatures:
        files = anonymise_candidature(item.candidature, now=now)
        months = item.candidature.edition.contest.data.retention_months
        record("candidature.anonymise", actor=None, role=None, at=now, candidature=item.candidature,
               reason=f"Durée de conservation écoulée ({months} mois après la publication des résultats).",
               data={"files_deleted": files})
    for account in plan.accounts:
        anonymise_person(account, actor=None, role=None, now=now, cause="retention")
    db.session.flush()

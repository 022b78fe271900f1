"""Writing the audit log (the caller commits)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEntry, Candidature, User


def record(
    action: str,
    *,
    actor: User | None,
    role: str | None,
    at,
    candidature: Candidature | None = None,
    region_id: int | None = None,
    edition_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row; region and edition default to the candidature's."""
    entry = AuditEntry(
        at=at,
        actor_id=actor.id if actor else None,
        actor_role=role,
        action=action,
        candidature_id=candidature.id if candidature else None,
        region_id=region_id if region_id is not None else (candidature.region_id if candidature else None),
        edition_id=edition_id if edition_id is not None else (candidature.edition_id if candidature else None),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    db.session.add(entry)
    return entry

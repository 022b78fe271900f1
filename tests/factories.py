"""Rows built directly with the ORM, for tests of the database itself (no operation, no audit)."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from app.models import Candidature, Edition, User

_serial = count(1)


def candidature(edition: Edition, owner: User, *, at: datetime, region: str = "HDF", state: str = "draft",
                **columns) -> Candidature:
    """An unsaved candidature; past the draft it carries a receipt and a submission time."""
    number = next(_serial)
    submitted = state not in ("draft", "withdrawn")
    values = {
        "edition_id": edition.id,
        "region_id": next(r.id for r in edition.regions if r.code == region),
        "owner_id": owner.id,
        "state": state,
        "title": f"Projet {number}",
        "receipt_number": f"SSP-{number:06d}" if submitted else None,
        "submitted_at": at if submitted else None,
        "created_at": at,
        "updated_at": at,
    }
    return Candidature(**(values | columns))

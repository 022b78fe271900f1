"""Per-object authorisation: every query for a region's data goes through these functions.

An object outside the user's scope answers 404, not 403: its existence is not revealed.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db
from app.jury.independence import may_read_dossier
from app.jury.juries import KINDS, Jury
from app.models import Candidature, Region
from workflows.states import Role, State

NATIONAL_STAFF = (Role.NATIONAL_ORGANISER,)


def region_for_staff(region_id: int, *roles: Role) -> Region:
    """The region if the user holds one of ``roles`` in it (national organisers see all), else 404."""
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    if current_user.has_role(*NATIONAL_STAFF) or region.id in current_user.region_ids(*roles):
        return region
    abort(404)


def may_view(candidature: Candidature) -> bool:
    """The owner; the organisers once it is submitted (a draft is the candidate's own business); the
    jurors judging it who declared no conflict of interest."""
    user = current_user
    if candidature.owner_id == user.id:
        return True
    if candidature.state == State.DRAFT.value:
        return False
    if user.has_role(*NATIONAL_STAFF) or candidature.region_id in user.region_ids(Role.REGIONAL_ORGANISER):
        return True
    return any(may_read_dossier(user, candidature, Jury.judging(candidature, name)) for name in KINDS)


def viewable_candidature(candidature_id: int) -> Candidature:
    """The candidature if the current user may see it, else 404."""
    candidature = db.session.get(Candidature, candidature_id)
    if candidature is None or not may_view(candidature):
        abort(404)
    return candidature


def owned_candidature(candidature_id: int) -> Candidature:
    """The candidature if the current user owns it (only the owner changes a dossier), else 404."""
    candidature = db.session.get(Candidature, candidature_id)
    if candidature is None or candidature.owner_id != current_user.id:
        abort(404)
    return candidature

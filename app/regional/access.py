"""Who may read or act on a region's pages, and the region or dossier a URL names, found for them
(404 outside their reach): shared by every blueprint of the ARS's pages."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import policy
from app.access import roles_required
from app.models import Candidature, Region
from workflows.states import Role

ORGANISER = Role.REGIONAL_ORGANISER
readers = roles_required(ORGANISER, Role.NATIONAL_ORGANISER)
organisers = roles_required(ORGANISER)


def acting_role(region: Region) -> Role:
    """The role in which the current user acts on ``region`` (national organisers only read)."""
    return ORGANISER if region.id in current_user.region_ids(ORGANISER) else Role.NATIONAL_ORGANISER


def organised_region(region_id: int) -> Region:
    return policy.get_or_404(Region, region_id, policy.organised)


def read_region(region_id: int) -> Region:
    return policy.get_or_404(Region, region_id, policy.staff_of(ORGANISER))


def region_candidature(region: Region, candidature_id: int) -> Candidature:
    return policy.get_or_404(Candidature, candidature_id, policy.submitted_in(region))


# What a person is told when the dossier changed under their page.
DOSSIER_CHANGED = _l("Ce dossier a changé entre-temps : vérifiez son état avant de recommencer.")

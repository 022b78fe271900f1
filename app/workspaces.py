"""Where each person works: the page they start on after signing in, and their navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.editions import current_edition
from app.models import Edition, User
from workflows.states import Role


def _national_url(user: User, current: Edition | None) -> str | None:
    """The national stage of the ``current`` edition for its organisers; the editions they organised
    for the others who held the role."""
    if not user.has_role(Role.NATIONAL_ORGANISER):
        return None
    edition = current
    if edition is not None and edition.id in user.edition_ids(Role.NATIONAL_ORGANISER):
        return url_for("national.overview")
    return url_for("national.editions")


def _organised_regions(user: User, current: Edition | None) -> list:
    """The user's regional organiser memberships: the ``current`` edition's first, then in the regions' order."""
    memberships = [m for m in user.memberships if m.role == Role.REGIONAL_ORGANISER]
    return sorted(memberships, key=lambda m: (current is None or m.edition_id != current.id, m.region_id))


def workspace_url(user: User) -> str:
    """Organisers before jurors before candidates: a person holding several roles starts with the widest."""
    if user.has_role(Role.ADMIN):
        return url_for("admin.index")
    current = current_edition()
    if national := _national_url(user, current):
        return national
    if regions := _organised_regions(user, current):
        return url_for("regional.dashboard", region_id=regions[0].region_id)
    if user.has_role(Role.REGIONAL_JUROR):
        return url_for("jury.index", stage="regional")
    if user.has_role(Role.NATIONAL_JUROR):
        return url_for("jury.index", stage="national")
    if user.has_role(Role.CANDIDATE):
        return url_for("candidatures.index")
    return url_for("main.home")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def navigation(user: User) -> list[Link]:
    """The main menu: one entry per space the user may work in, then the public results."""
    links = []
    if user.is_authenticated:
        if user.has_role(Role.CANDIDATE):
            links.append(Link(_l("Mes candidatures"), url_for("candidatures.index")))
        # Once per page, for the organisers' entries only: a candidate's or a juror's page does not read it.
        current = current_edition() if user.has_role(Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER) else None
        for membership in _organised_regions(user, current):
            label = (_l("ARS %(region)s", region=membership.region.name)
                     if current is not None and membership.edition_id == current.id else
                     _l("ARS %(region)s (%(edition)s)", region=membership.region.name,
                        edition=membership.region.edition.contest.name))
            links.append(Link(label, url_for("regional.dashboard", region_id=membership.region_id)))
        if national := _national_url(user, current):
            links.append(Link(_l("Étape nationale"), national))
        for role, stage, label in ((Role.REGIONAL_JUROR, "regional", _l("Jury régional")),
                                   (Role.NATIONAL_JUROR, "national", _l("Jury national"))):
            if user.has_role(role):
                links.append(Link(label, url_for("jury.index", stage=stage)))
        if user.has_role(Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER, Role.REGIONAL_JUROR, Role.NATIONAL_JUROR):
            links.append(Link(_l("Exports"), url_for("exports.index")))
        if user.has_role(Role.ADMIN):
            links.append(Link(_l("Administration"), url_for("admin.index")))
    links.append(Link(_l("Résultats"), url_for("results.index")))
    return links


def register(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        # The second factor's settings sit with the account's links in the header, for staff only.
        offered = current_user.is_authenticated and current_user.second_factor_offered
        return {"navigation": navigation(current_user), "offers_second_factor": offered}

"""Who may see or change which row: the one access policy every route and export asks.

Staff roles are held per edition (``RoleMembership.edition_id``): a person organising or judging one
edition reaches that edition's rows only, whatever other editions the database holds. National pages
act on the current edition (``national_edition``); an edition the user organised is readable later.

``get_or_404(Model, id, scope)`` finds a row and keeps it only if ``scope`` admits it; a row out of
scope answers 404 like a missing one, so its existence is not revealed. The scopes below say, each
once, who may reach what; the role a route requires is declared beside it (``app.access``).
``one_or_404`` does the same for a row found by a scoped query.

In tests, every request that reached a route taking an id and answered without error must have
asked the policy (``register``): a route that forgets it fails whichever test reaches it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, g, request
from flask_login import current_user

from app.duplicates import flags_of
from app.database import one_by_id
from app.editions import current_edition
from app.extensions import db
from app.jury.independence import may_read_dossier
from app.jury.juries import KINDS, Jury
from app.models import Candidature, Edition, Region, User
from workflows.states import Role, State

Scope = Callable[[object], bool]
MAX_ID = 2**31 - 1  # PostgreSQL's integer keys; a larger id (typed in a URL or a query) is simply not found


def get_or_404(model: type, ident: int, scope: Scope, options: tuple = ()):
    """The ``model`` row with id ``ident`` when ``scope`` admits it, else 404. ``options``: loader options,
    the rows the view reads next loaded in the same statement (a tuple built at import: ``one_by_id``)."""
    g.policy_asked = True
    # No id (a missing or non-numeric query argument read with ``type=int``) is not found either.
    row = _find(model, ident, options) if isinstance(ident, int) and 0 < ident <= MAX_ID else None
    if row is None or not scope(row):
        abort(404)
    return row


def _find(model: type, ident: int, options: tuple):
    if options:
        return one_by_id(model, ident, options)
    # Without options, the row the request holds already (a region its user's roles loaded) costs no statement.
    return db.session.get(model, ident)


def one_or_404(row):
    """A row a scoped query found (None: out of scope or missing), else 404."""
    g.policy_asked = True
    if row is None:
        abort(404)
    return row


# -- the scopes ----------------------------------------------------------------------------------

def organises_nationally(edition: Edition) -> bool:
    """An edition the user organises at the national level."""
    return edition.id in current_user.edition_ids(Role.NATIONAL_ORGANISER)


def organised_editions() -> list[Edition]:
    """The editions the user organises or organised nationally, the most recent first (each read only once past)."""
    g.policy_asked = True
    return db.session.scalars(db.select(Edition).where(
        Edition.id.in_(current_user.edition_ids(Role.NATIONAL_ORGANISER)))
        .order_by(Edition.submission_deadline.desc(), Edition.id.desc())).all()


def erases_personal_data() -> bool:
    """The national organisers of the current edition and the administrator anonymise any account on request."""
    g.policy_asked = True
    edition = current_edition()
    return current_user.has_role(Role.ADMIN) or (edition is not None and organises_nationally(edition))


def national_edition() -> Edition:
    """The current edition, where national organisers act; 404 for those who do not organise it."""
    g.policy_asked = True
    edition = current_edition()
    if edition is None or not organises_nationally(edition):
        abort(404)
    return edition


def staff_of(*roles: Role) -> Scope:
    """A region where the user holds one of ``roles``; every region of their editions for national
    organisers, who read."""
    return lambda region: (region.edition_id in current_user.edition_ids(Role.NATIONAL_ORGANISER)
                           or region.id in current_user.region_ids(*roles))


def organised(region: Region) -> bool:
    """A region the user organises (only its own ARS acts in it)."""
    return region.id in current_user.region_ids(Role.REGIONAL_ORGANISER)


def requested(job) -> bool:
    """A prepared export: only for the person who asked for it, while they organise its edition nationally
    or, for a file about one region (its minutes, its tables), that region."""
    return job.requested_by_id == current_user.id and (
        job.edition_id in current_user.edition_ids(Role.NATIONAL_ORGANISER)
        or (job.region_id is not None and job.region_id in current_user.region_ids(Role.REGIONAL_ORGANISER)))


def staff_account(user: User) -> bool:
    """An account the administrator manages: a member of the staff (organiser, juror, administrator)."""
    return current_user.has_role(Role.ADMIN) and user.second_factor_offered


def in_edition(edition: Edition) -> Scope:
    return lambda row: row.edition_id == edition.id


def submitted_in(region: Region) -> Scope:
    """A dossier of the region once submitted (a draft stays the candidate's own business)."""
    return lambda candidature: candidature.region_id == region.id and candidature.state != State.DRAFT.value


def flagged_with(candidature: Candidature) -> Scope:
    """A dossier of another region that may be the same project as ``candidature``: its summary is
    readable by whoever reads ``candidature``, because of that match and for as long as it holds."""
    return lambda other: any(flag.other.id == other.id for flag in flags_of(candidature))


def owned(candidature: Candidature) -> bool:
    """Only the owner changes a dossier."""
    return candidature.owner_id == current_user.id


def attaches(candidature: Candidature) -> bool:
    """Who adds attachments: the owner; to a dossier its ARS entered, also the organisers of its region
    (the pieces received with the email; when, ``app.attachments.operations.attachment_blockers``)."""
    return owned(candidature) or (candidature.entered_by_ars
                                  and candidature.region_id in current_user.region_ids(Role.REGIONAL_ORGANISER))


def viewable(candidature: Candidature) -> bool:
    """The owner; the organisers once it is submitted; the jurors judging it who declared no conflict."""
    user = current_user
    if candidature.owner_id == user.id:
        return True
    if candidature.state == State.DRAFT.value:
        return False
    if (candidature.edition_id in user.edition_ids(Role.NATIONAL_ORGANISER)
            or candidature.region_id in user.region_ids(Role.REGIONAL_ORGANISER)):
        return True
    return any(may_read_dossier(user, candidature, Jury.judging(candidature, name)) for name in KINDS)


def register(app: Flask) -> None:
    if not app.config.get("CHECK_POLICY"):
        return

    # Registered after app.access.enforce_access: a request it turned away never reaches the view.
    @app.before_request
    def _reached():
        g.view_reached = True

    @app.after_request
    def _asked(response):
        takes_an_id = any(isinstance(value, int) for value in (request.view_args or {}).values())
        if takes_an_id and g.get("view_reached") and response.status_code < 400 and not g.get("policy_asked"):
            current_app.logger.error("route with an id answered without asking the policy: %s", request.endpoint)
            raise AssertionError(f"{request.endpoint} reached rows by id without app.policy")
        return response

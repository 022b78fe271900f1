from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.access import roles_required
from app.auth.forms import ConfirmForm
from app.clock import now
from app.endings import attempt, refusals
from app.extensions import db
from app.models import Candidature, Region, RegionalPick
from app.selection.forms import PickOpinionForm, RegionCloseForm
from app.transitions.regional import close_region, select_for_nation, selection_fingerprint, unselect
from app.transitions.engine import region_facts, shared_facts
from app.listing import page_number
from app.search import DossierFilter
from app.jury.workload import REGIONAL_RANKED_STATES
from app.selection.ranking import column, line_flags, region_picks, region_ranking
from workflows.machine import CANDIDATURE, REGION, Facts
from workflows.states import Role, State

bp = Blueprint("selection", __name__, url_prefix="/ars")
staff = roles_required(Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER)
# The machine lets only the region's organisers pick and close; national organisers read.
organiser = roles_required(Role.REGIONAL_ORGANISER)
RANKED = tuple(State(state) for state in REGIONAL_RANKED_STATES)  # what the ranking's state filter offers


def _changed_meanwhile() -> str:
    return _("Cette candidature a changé depuis l’affichage de cette page (une autre personne vient d’agir) : "
             "rien n’a été enregistré, vérifiez le classement.")


def _region(region_id: int) -> Region:
    return policy.get_or_404(Region, region_id, policy.staff_of(Role.REGIONAL_ORGANISER))


def _candidature_of(region: Region, candidature_id: int) -> Candidature:
    return policy.get_or_404(Candidature, candidature_id, lambda found: found.region_id == region.id)


def _refusals(region: Region, scoresheets_missing: int) -> dict[str, list[str]]:
    """Why the ARS may not pick, unpick or close now (empty: the button is offered), facts read once;
    the missing sheets are the ranking's count (the jury's work is not read twice)."""
    contest, organiser_role = region.edition.contest, Role.REGIONAL_ORGANISER
    own = region_facts(region, now(), scoresheets_missing=scoresheets_missing)
    facts, closing = shared_facts(region, now(), own), REGION.offered_blockers

    def dossier_in(state: State) -> Facts:
        return replace(facts, state=state)

    return {
        "select": CANDIDATURE.offered_blockers("select_for_nation", dossier_in(State.REGIONAL_JURY), organiser_role,
                                               contest),
        "unselect": CANDIDATURE.offered_blockers("unselect", dossier_in(State.NATIONAL_SHORTLIST), organiser_role,
                                                 contest),
        "close": closing("close_region", own, organiser_role, contest),
    }


@bp.get("/<int:region_id>/classement")
@staff
def ranking(region_id: int):
    region = _region(region_id)
    may_act = region.id in current_user.region_ids(Role.REGIONAL_ORGANISER)
    filters = DossierFilter.from_request(region.edition.contest, RANKED)
    ranked = region_ranking(region, page_number(), filters.conditions())
    return render_template("selection/ranking.html", region=region, ranking=ranked, filters=filters,
                           states=RANKED, contest=region.edition.contest, line_flags=line_flags, column=column,
                           confirm=ConfirmForm(), may_act=may_act,
                           refusals=_refusals(region, ranked.missing) if may_act else {})


@bp.route("/<int:region_id>/selection/<int:candidature_id>", methods=["GET", "POST"])
@organiser
def select(region_id: int, candidature_id: int):
    region = _region(region_id)
    candidature = _candidature_of(region, candidature_id)
    form, reasons = PickOpinionForm(), []
    if form.validate_on_submit():
        with refusals(_changed_meanwhile()) as refused:
            select_for_nation(candidature, actor=current_user, now=now(), opinion=form.opinion.data)
        reasons = refused.reasons
        if not reasons:
            flash(_("« %(title)s » est retenue pour l’étape nationale.", title=candidature.title), "success")
            return redirect(url_for(".ranking", region_id=region.id))
    if reasons:
        reasons.insert(0, _("« %(title)s » n’a pas été retenue :", title=candidature.title))
    status = 422 if reasons or form.errors else 200
    contest = region.edition.contest
    return render_template("selection/select.html", region=region, candidature=candidature, form=form,
                           reasons=reasons, limit=contest.limits.reason), status


@bp.post("/<int:region_id>/selection/<int:candidature_id>/retirer")
@organiser
def unselect_pick(region_id: int, candidature_id: int):
    region = _region(region_id)
    candidature = _candidature_of(region, candidature_id)
    pick = db.session.scalar(db.select(RegionalPick).filter_by(candidature_id=candidature.id))
    # The ConfirmForm's CSRF token is checked by CSRFProtect before the view runs.
    if pick is None:
        flash(_("Cette candidature n’est pas (ou plus) retenue."), "error")
    else:
        attempt(lambda: unselect(pick, actor=current_user, now=now()),
                _("« %(title)s » n’est plus retenue.", title=candidature.title), _changed_meanwhile())
    return redirect(url_for(".ranking", region_id=region.id))


@bp.route("/<int:region_id>/cloture", methods=["GET", "POST"])
@organiser
def close(region_id: int):
    region = _region(region_id)
    form, reasons = RegionCloseForm(), []
    if form.validate_on_submit():
        with refusals(_changed_meanwhile()) as refused:
            close_region(region, actor=current_user, now=now(), reason=form.reason.data or "",
                         fingerprint=form.fingerprint.data or "")
        reasons = refused.reasons
        if not reasons:
            flash(_("La sélection régionale est close."), "success")
            return redirect(url_for(".ranking", region_id=region.id))
    # The page shows the selection as it is now: a refused form carries the current fingerprint.
    form.fingerprint.data = selection_fingerprint(region)
    contest = region.edition.contest
    return render_template("selection/close.html", region=region, form=form, reasons=reasons,
                           picks=region_picks(region), contest=contest), 422 if reasons else 200


@bp.get("/<int:region_id>/proces-verbal.pdf")
@staff
def minutes(region_id: int):
    """The minutes' former address: the page that asks for them (a job prepares them, ``app.exports.jobs``)."""
    return redirect(url_for("exports.prepare", word="proces-verbal", region=_region(region_id).id), 303)

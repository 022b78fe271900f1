"""The ARS page « Répartition des dossiers »: n jurors per dossier, the proposal, applying it, adjusting it.

The rules live in ``app.jury.assignment``; these views read, call an operation and redirect.
"""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app import policy
from app.auth.forms import ConfirmForm
from app.clock import now
from app.database import writes
from app.endings import attempt, refusals
from app.transitions.assignment import Board, apply_assignment, assign_juror, detect_every_jurors_conflicts, n_problem, \
    unassign_juror
from app.jury.juries import Jury
from app.listing import page_number, page_of
from app.regional.forms import AssignmentSizeForm, UnassignForm
from app.regional.access import ORGANISER, acting_role, organised_region, organisers, read_region, readers, \
    region_candidature
from workflows.lifecycle import Act

bp = Blueprint("assignment", __name__, url_prefix="/ars")
JUST_CHANGED = _l("La répartition a changé entre-temps : rechargez la page.")
# The dossiers an alert names; the others are counted (a large region's list would bury the page).
NAMED = 10


@bp.get("/<int:region_id>/jury/repartition")
@readers
@writes  # the page records the automatic conflicts of interest it takes into account
def page(region_id: int, size_form=None, status=200):
    region = read_region(region_id)
    # A juror's list may record the same conflict at the same moment: it stands, this one is let go.
    with refusals():
        detect_every_jurors_conflicts(region, now())
    board = Board.of(region)
    may_assign = (acting_role(region) == ORGANISER
                  and Jury.of_region(region).refusal(Act.ASSIGN_REGIONAL_DOSSIERS, now()) is None)
    preview = size_form or AssignmentSizeForm(formdata=request.args or None, meta={"csrf": False},
                                              n=str(region.jurors_per_dossier or ""))
    proposal = kept = short = None
    if may_assign and "n" in request.args and preview.validate():
        if problem := n_problem(preview.size, len(board.jurors)):
            preview.n.errors = [problem]
        else:
            proposal = board.propose(preview.size)
            # Jurors keep the dossiers whose sheet they began: a dossier may keep more than n of them.
            kept = [dossier for dossier in board.dossiers if len(proposal.jurors_of[dossier.id]) > preview.size]
            short = [dossier for dossier in board.dossiers if dossier.id in proposal.short]
    return render_template(
        "regional/assignment.html", region=region, board=board, may_assign=may_assign, preview=preview,
        proposal=proposal, kept=kept, short=short, named=NAMED,
        rows=page_of(board.dossiers, page_number()) if region.jurors_per_dossier else None), status


@bp.post("/<int:region_id>/jury/repartition")
@organisers
def apply(region_id: int):
    region = organised_region(region_id)
    form = AssignmentSizeForm()
    if form.validate_on_submit() and not attempt(
            lambda: apply_assignment(region, form.size, actor=current_user, now=now()),
            lambda proposal: ngettext("La répartition est appliquée : %(num)s attribution.",
                                      "La répartition est appliquée : %(num)s attributions.", len(proposal.pairs())),
            str(JUST_CHANGED)):
        return redirect(url_for(".page", region_id=region.id))
    return page(region_id, size_form=form, status=422)


def _pair(region_id: int, candidature_id: int, user_id: int):
    region = organised_region(region_id)
    membership = policy.one_or_404(Jury.of_region(region).membership(user_id))
    return region, region_candidature(region, candidature_id), membership.user


def _named(candidature, juror) -> dict[str, str]:
    """The dossier and the juror as the page's table names them."""
    return {"dossier": candidature.title or str(candidature.id), "juror": juror.display_name or juror.email}


@bp.post("/<int:region_id>/jury/repartition/<int:candidature_id>/<int:user_id>/ajouter")
@organisers
def add(region_id: int, candidature_id: int, user_id: int):
    region, candidature, juror = _pair(region_id, candidature_id, user_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: assign_juror(region, candidature, juror, actor=current_user, now=now()),
                _("« %(dossier)s » est attribué à %(juror)s.", **_named(candidature, juror)), str(JUST_CHANGED))
    return redirect(url_for(".page", region_id=region.id))


@bp.post("/<int:region_id>/jury/repartition/<int:candidature_id>/<int:user_id>/retirer")
@organisers
def remove(region_id: int, candidature_id: int, user_id: int):
    region, candidature, juror = _pair(region_id, candidature_id, user_id)
    form = UnassignForm()
    if form.validate_on_submit():
        attempt(lambda: unassign_juror(region, candidature, juror, actor=current_user, now=now(),
                                       drop_draft=form.drop_draft.data),
                _("%(juror)s ne note plus « %(dossier)s ».", **_named(candidature, juror)), str(JUST_CHANGED))
    return redirect(url_for(".page", region_id=region.id))

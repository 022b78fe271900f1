"""The national organiser's pages: overview of the regions (excuse, reinstate, reopen), shortlist, national jury,
ranking, winner, publication, and the log of the contest's own acts.

Only national organisers reach them (403 for anyone else); they act on the current edition.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import and_

from app import policy
from app.access import roles_required
from app.auth.forms import ConfirmForm
from app.clock import now
from app.database import writes
from app.duplicates import flags
from app.endings import refusals
from app.extensions import db
from app.i18n import translated, weekday
from app.journal.view import Journal
from app.jury.juries import Jury
from app.jury.removal import removal_page
from app.jury.workload import shortlist
from app.models import AuditEntry, Candidature, Edition, Region, RegionalPick
from app.national.forms import RegionDecisionForm, WinnerForm
from app.transitions.engine import national_facts, open_regions, regions_facts
from app.transitions.national import (
    ORGANISER, declare_winner, excuse_region, open_national_jury, publish_results, reinstate_region, reopen_region,
    told_at_publication,
)
from app.national.ranking import national_ranking
from app.search import SHORTLISTED, DossierFilter
from app.regional.forms import ConflictLiftForm, ConflictRecordForm, JurorInviteForm
from app.selection.ranking import column
from workflows.machine import NATIONAL, REGION
from workflows.states import State

bp = Blueprint("national", __name__, url_prefix="/national")
organisers = roles_required(ORGANISER)


def _edition() -> Edition:
    return policy.national_edition()


def _apply(action, success: str) -> list[str]:
    """Run the operation and flash ``success``; refused, return why for the page to show."""
    with refusals(_("Les données ont changé entre-temps (une autre personne vient d’agir) : rien n’a été "
                    "enregistré, rechargez la page.")) as refused:
        action()
    if not refused:
        flash(success, "success")
    return refused.reasons


def _available(edition: Edition) -> list[str]:
    return NATIONAL.offered(national_facts(edition, now()), ORGANISER, edition.contest)


# The national organiser's decisions on a region, in the order the overview offers them.



def _region_rows(edition: Edition, *, acting: bool) -> list[dict]:
    """Each region's stage and counts; with the decisions the organiser may take when ``acting``."""
    counts = db.session.execute(
        db.select(Candidature.region_id, Candidature.state, db.func.count(Candidature.id))
        .where(Candidature.edition_id == edition.id).group_by(Candidature.region_id, Candidature.state)
    ).all()
    facts = regions_facts(edition, now())
    rows = []
    for region in edition.regions:
        by_state = {state: count for region_id, state, count in counts if region_id == region.id}
        possible = REGION.offered(facts[region.id], ORGANISER, edition.contest) if acting else []
        rows.append({
            "region": region,
            "submitted": sum(n for state, n in by_state.items() if state not in (State.DRAFT, State.WITHDRAWN)),
            "drafts": by_state.get(State.DRAFT.value, 0),
            "picks": facts[region.id].picks,
            "decisions": [name for name in DECISION_PATHS if name in possible],
        })
    return rows


@bp.get("")
@organisers
def overview(reasons=(), status=200):
    edition = _edition()
    rows = _region_rows(edition, acting=True)
    return render_template("national/overview.html", edition=edition, rows=rows, open=open_regions(edition),
                           available=_available(edition), form=ConfirmForm(), reasons=reasons,
                           decision_paths=DECISION_PATHS, decision_labels=DECISION_LABELS), status


@bp.get("/editions")
@organisers
def editions():
    """The editions the organiser organised, the current one first: each readable, none changed here."""
    return render_template("national/editions.html", editions=policy.organised_editions())


@bp.get("/editions/<int:edition_id>")
@organisers
def archive(edition_id: int):
    """An edition the organiser organised, read only: its regions, its shortlist and its outcome."""
    edition = policy.get_or_404(Edition, edition_id, policy.organises_nationally)
    return render_template("national/archive.html", edition=edition, rows=_region_rows(edition, acting=False),
                           picks=shortlist(edition))


@bp.post("/ouvrir-jury")
@organisers
def open_jury():
    edition, reasons = _edition(), []
    if ConfirmForm().validate_on_submit():
        reasons = _apply(lambda: open_national_jury(edition, actor=current_user, now=now()),
                         _("Le jury national est ouvert."))
        if not reasons:
            return redirect(url_for(".overview"))
    return overview(reasons=reasons, status=422)


# decision -> (operation, page title, what happens, button, success message)
DECISION_PAGES = {
    "excuse_region": (
        excuse_region, _l("Excuser la région : %(region)s"),
        _l("La région n’a pas réuni de jury régional. Ses dossiers déposés ne seront pas examinés : chaque "
           "candidat concerné reçoit un courriel qui le lui dit, avec le motif ci-dessous. La région ne compte "
           "plus parmi celles qu’attend le jury national."),
        _l("Excuser la région"), _l("La région %(region)s est excusée ; ses candidats sont prévenus par courriel.")),
    "reinstate_region": (
        reinstate_region, _l("Réintégrer la région : %(region)s"),
        _l("La région pourra de nouveau ouvrir son jury régional ; ses dossiers lui sont rendus et chaque candidat "
           "concerné reçoit un courriel."),
        _l("Réintégrer la région"), _l("La région %(region)s est réintégrée ; ses candidats sont prévenus.")),
    "reopen_region": (
        reopen_region, _l("Rouvrir la sélection régionale : %(region)s"),
        _l("Le jury régional siège de nouveau : ses candidatures non retenues lui sont soumises à nouveau et "
           "l’organisateur régional peut modifier sa sélection, puis clôturer une nouvelle fois."),
        _l("Rouvrir la sélection régionale"), _l("La sélection régionale (%(region)s) est rouverte.")),
}
DECISION_PATHS = {"excuse_region": "excuser", "reinstate_region": "reintegrer", "reopen_region": "rouvrir"}
DECISION_LABELS = {"excuse_region": _l("Excuser"), "reinstate_region": _l("Réintégrer"), "reopen_region": _l("Rouvrir")}


@bp.route("/regions/<int:region_id>/<any(excuser, reintegrer, rouvrir):decision>", methods=["GET", "POST"])
@organisers
def decide(region_id: int, decision: str):
    """Excuse, reinstate or reopen a region: a page that says what will happen, with the written reason."""
    edition = _edition()
    region = policy.get_or_404(Region, region_id, policy.in_edition(edition))
    name = next(name for name, path in DECISION_PATHS.items() if path == decision)
    operation, title, consequence, button, success = DECISION_PAGES[name]
    form, reasons = RegionDecisionForm(), []
    if form.validate_on_submit():
        reasons = _apply(lambda: operation(region, actor=current_user, now=now(), reason=form.reason.data),
                         str(success % {"region": region.name}))
        if not reasons:
            return redirect(url_for(".overview"))
    status = 422 if reasons or form.errors else 200
    return render_template("national/region_decision.html", region=region, form=form, reasons=reasons,
                           title=title % {"region": region.name}, consequence=consequence, button=button,
                           limit=edition.contest.limits.reason), status


@bp.get("/selection")
@organisers
def shortlist_page():
    edition = _edition()
    filters = DossierFilter.from_request(edition.contest, SHORTLISTED)
    return render_template("national/shortlist.html", edition=edition, picks=shortlist(edition, *filters.conditions()),
                           open=open_regions(edition), filters=filters, states=SHORTLISTED)


@bp.get("/doublons")
@organisers
def duplicates():
    """The pairs of dossiers of two regions that may be one project: each ARS is told, and decides."""
    edition = _edition()
    return render_template("national/duplicates.html", edition=edition, flags=flags(edition.id))


def _conflict_form(edition: Edition, formdata=None) -> ConflictRecordForm:
    return ConflictRecordForm.among(Jury.national(edition).jurors(), [pick.candidature for pick in shortlist(edition)],
                                    formdata)


@bp.get("/jury")
@organisers
def jury(invite_form=None, conflict_form=None, status=200):
    edition = _edition()
    national_jury = Jury.national(edition)
    return render_template("national/jury.html", edition=edition, progress=national_jury.progress(),
                           conflicts=national_jury.conflicts(), can=national_jury.possible(now()), form=ConfirmForm(),
                           invite_form=invite_form or JurorInviteForm(formdata=None),
                           conflict_form=conflict_form or _conflict_form(edition)), status


def _flash_all(reasons: list[str]) -> None:
    for reason in reasons:
        flash(translated(reason), "error")


def _on_jury_page(action, success: str, **forms):
    """Apply ``action`` and go back to the jury page; refused, show it again with the typed values."""
    reasons = _apply(action, success)
    if not reasons:
        return redirect(url_for(".jury"))
    _flash_all(reasons)
    return jury(status=422, **forms)


@bp.post("/jury/inviter")
@organisers
def invite():
    edition, form = _edition(), JurorInviteForm()
    if form.validate_on_submit():
        return _on_jury_page(
            lambda: Jury.national(edition).invite(actor=current_user, now=now(), email=form.email.data,
                                                  name=form.name.data,
                                                  organisation_identifier=form.organisation_identifier.data),
            _("%(email)s fait partie du jury national ; un courriel lui est envoyé.",
              email=form.email.data.strip().lower()), invite_form=form)
    return jury(invite_form=form, status=422)


@bp.route("/jury/<int:user_id>/retirer", methods=["GET", "POST"])
@organisers
def remove(user_id: int):
    national_jury = Jury.national(_edition())
    membership = policy.one_or_404(national_jury.membership(user_id))
    if request.method == "GET":
        return removal_page(national_jury, membership, url_for(".jury"))
    if ConfirmForm().validate_on_submit():
        email = membership.user.email
        _flash_all(_apply(lambda: national_jury.remove_juror(membership, actor=current_user, now=now()),
                          _("%(email)s ne fait plus partie du jury national.", email=email)))
    return redirect(url_for(".jury"))


@bp.post("/jury/relancer")
@organisers
def remind():
    national_jury = Jury.national(_edition())
    if ConfirmForm().validate_on_submit():
        pending = sum(row.pending > 0 for row in national_jury.progress())
        _flash_all(_apply(lambda: national_jury.remind(actor=current_user, now=now()),
                          ngettext("%(num)s juré relancé par courriel.", "%(num)s jurés relancés par courriel.",
                                   pending)))
    return redirect(url_for(".jury"))


@bp.post("/jury/conflits")
@organisers
def conflicts():
    edition = _edition()
    form = _conflict_form(edition, request.form)
    if form.names_a_stranger():
        abort(404)
    if form.validate_on_submit():
        juror, found = form.chosen()
        return _on_jury_page(
            lambda: Jury.national(edition).record_conflict(juror, found, actor=current_user, now=now(),
                                                           reason=form.reason.data),
            _("Le conflit d’intérêts est enregistré : ce dossier est retiré du travail du juré."), conflict_form=form)
    return jury(conflict_form=form, status=422)


@bp.post("/jury/conflits/<int:declaration_id>/lever")
@organisers
def lift(declaration_id: int):
    national_jury = Jury.national(_edition())
    declaration = policy.one_or_404(national_jury.declaration(declaration_id))
    form = ConflictLiftForm()
    if form.validate_on_submit():
        _flash_all(_apply(lambda: national_jury.lift_conflict(declaration, actor=current_user, now=now(),
                                                              reason=form.reason.data),
                          _("Le conflit d’intérêts est levé : le juré peut lire et noter ce dossier.")))
    else:
        _flash_all([_("Indiquez pourquoi le conflit d’intérêts est levé.")])
    return redirect(url_for(".jury"))


@bp.get("/classement")
@organisers
def ranking():
    edition = _edition()
    return render_template("national/ranking.html", edition=edition, ranking=national_ranking(edition),
                           contest=edition.contest, column=column, available=_available(edition))


@bp.route("/laureat/<int:candidature_id>", methods=["GET", "POST"])
@organisers
def winner(candidature_id: int):
    edition = _edition()
    candidature = policy.get_or_404(Candidature, candidature_id, policy.in_edition(edition))
    pick = policy.one_or_404(db.session.scalar(db.select(RegionalPick).filter_by(candidature_id=candidature.id)))
    form, reasons = WinnerForm(), []
    if form.validate_on_submit():
        reasons = _apply(lambda: declare_winner(candidature, actor=current_user, now=now(),
                                                rationale=form.rationale.data),
                         _("« %(title)s » est le lauréat national.", title=candidature.title))
        if not reasons:
            return redirect(url_for(".ranking"))
    status = 422 if reasons or form.errors else 200
    return render_template("national/winner.html", edition=edition, pick=pick, candidature=candidature, form=form,
                           reasons=reasons, limit=edition.contest.limits.reason), status


@bp.route("/publication", methods=["GET", "POST"])
@organisers
def publication():
    edition, form, reasons = _edition(), ConfirmForm(), []
    if form.validate_on_submit():
        reasons = _apply(lambda: publish_results(edition, actor=current_user, now=now()),
                         _("Les résultats sont publiés ; chaque candidat reçoit son résultat par courriel."))
        if not reasons:
            return redirect(url_for(".publication"))
    winners = db.session.scalars(db.select(Candidature).filter_by(edition_id=edition.id, state=State.WINNER.value)
                                 .order_by(Candidature.id)).all()
    told = db.session.scalar(db.select(db.func.count()).select_from(told_at_publication(edition).subquery()))
    return render_template("national/publication.html", edition=edition, form=form, reasons=reasons, winners=winners,
                           told=told, ceremony=weekday(edition.contest.calendar.ceremony),
                           available=_available(edition)), 422 if reasons else 200


def _journal(edition: Edition) -> Journal:
    """Every act of the edition, the regions' included (each region's log shows its own), and the acts
    of staff on accounts, which belong to no edition (an erasure, a second factor reset); a person's own
    sign-ins and downloads stay out."""
    return Journal(db.or_(AuditEntry.edition_id == edition.id,
                          and_(AuditEntry.edition_id.is_(None), AuditEntry.actor_role.is_not(None))),
                   edition.contest.tz)


@bp.get("/journal")
@organisers
def audit_trail():
    return _journal(_edition()).page("national.audit_trail", "national.audit_trail_csv", "national/_nav.html",
                                     _("Journal des actions nationales"), {})


@bp.get("/journal.csv")
@organisers
@writes  # the audit row of the download
def audit_trail_csv():
    edition = _edition()
    return _journal(edition).csv(f"journal-national-{edition.slug}.csv", role=ORGANISER, edition_id=edition.id)

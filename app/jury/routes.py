"""The juror's pages, for either jury (``stage`` in the URL): list, declaration, dossier, scoresheet.

A candidature outside the juror's jury, or one they declared a conflict for, answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.access import roles_required
from app.clock import now
from app.database import writes
from app.endings import refusals
from app.i18n import number, translated, worded
from app.jury.forms import (
    CONFLICT,
    NO_CONFLICT,
    ConflictDeclarationForm,
    prefixed,
    scoresheet_data,
    scoresheet_form_class,
    sheet_differences,
)
from app.jury.independence import declaration_of, has_submitted, jury_means, opinions_for, sheet_of
from app.jury.operations import (
    declare_conflict,
    detect_conflicts,
    save_scoresheet,
)
from app.jury.juries import KINDS, Jury
from app.jury.regional_record import regional_record
from app.jury.workload import progress_by
from app.listing import page_number, page_of
from app.models import Candidature
from app.search import DossierFilter
from scoring import Progress
from workflows.states import Role, State

bp = Blueprint("jury", __name__, url_prefix="/jury")
jurors_only = roles_required(Role.REGIONAL_JUROR, Role.NATIONAL_JUROR)
ONE = "/<any(regional, national):stage>/<int:candidature_id>"


def _kind(name: str):
    """The kind of jury named in the URL, if the user is a juror of that kind, else 404."""
    kind = KINDS[name]
    if not current_user.has_role(kind.juror_role):
        abort(404)
    return kind


def _judged(name: str, candidature_id: int) -> tuple[Jury, Candidature]:
    """The candidature and its jury if the juror sits on it, else 404."""
    _kind(name)
    candidature = policy.get_or_404(
        Candidature, candidature_id, lambda found: Jury.judging(found, name).sits_on(current_user, found))
    return Jury.judging(candidature, name), candidature


def _readable(name: str, candidature_id: int):
    """As ``_judged``, and the juror declared no conflict: else 404 (conflict) or the declaration page."""
    stage, candidature = _judged(name, candidature_id)
    # _judged has found the juror on the jury: what remains of ``may_read_dossier`` is the declaration.
    declaration = declaration_of(current_user, candidature, stage)
    if declaration is not None and not declaration.has_conflict:
        return stage, candidature, None
    if declaration is None:
        return stage, candidature, redirect(url_for(".declaration", stage=stage.name, candidature_id=candidature.id))
    abort(404)


def _detect(jury: Jury, candidatures: list[Candidature]) -> None:
    # A request of another tab may record the same conflict first: it stands, this one is let go.
    with refusals():
        detect_conflicts(current_user, candidatures, now(), jury)


@bp.get("", defaults={"stage": "regional"})
@bp.get("/national", defaults={"stage": "national"})
@jurors_only
@writes  # records the conflicts detected on the juror's organisation identifier
def index(stage: str):
    """The juror's dossiers, a page at a time, across the juries they sit on (usually one)."""
    kind, rows, juries = _kind(stage), [], Jury.sitting(current_user, stage)
    # The juror's juries are of one contest in practice (one edition at a time): its definition words the filters.
    contest = juries[0].edition.contest if juries else None
    states = tuple(State(state) for state in kind.listed)
    filters = DossierFilter.from_request(contest, states) if contest else DossierFilter()
    sizes = [jury.count_assigned(current_user, *filters.conditions()) for jury in juries]
    page = page_of(range(sum(sizes)), page_number())
    skip, done, expected = (page.page - 1) * page.per_page, 0, 0  # skip: rows before the page, across juries
    for jury, size in zip(juries, sizes):
        _detect(jury, jury.matching(current_user))
        progress = progress_by(jury.work().of_juror(current_user.id), "juror_id").get(current_user.id, Progress(0, 0))
        done, expected = done + progress.received, expected + progress.expected
        room = page.per_page - len(rows)
        listed = jury.worklist(current_user, skip, room, filters.conditions()) if skip < size and room else []
        skip = max(skip - size, 0)
        closed = jury.blocker(now())  # why the juror can no longer declare, if so
        # The jury's mean shows once the juror's own sheet is in (independent judgment).
        means = jury_means(jury, [candidature.id for candidature, declaration, sheet in listed
                                  if sheet and sheet.submitted and declaration and not declaration.has_conflict])
        rows += [{"candidature": candidature, "declaration": declaration, "sheet": sheet,
                  "mean": number(means[candidature.id]) if candidature.id in means else None, "closed": closed}
                 for candidature, declaration, sheet in listed]
    closed = sorted({row["closed"] for row in rows if row["closed"]})
    return render_template("jury/index.html", stage=kind, rows=rows, expected=expected, done=done, closed=closed,
                           page=page, filters=filters, contest=contest, states=states)


@bp.route(ONE + "/declaration", methods=["GET", "POST"])
@jurors_only
@writes  # the page records a detected conflict
def declaration(stage: str, candidature_id: int):
    jury, candidature = _judged(stage, candidature_id)
    if request.method == "GET":
        _detect(jury, [candidature])
    form = ConflictDeclarationForm()
    reasons = []
    if request.method == "POST" and form.validate_on_submit():
        if form.choice.data not in (NO_CONFLICT, CONFLICT):
            form.choice.errors = [_("Choisissez l’une des deux déclarations.")]
        else:
            with refusals(_("Une déclaration vient d’être enregistrée pour ce projet (dans un autre onglet ?) : "
                            "vérifiez-la ci-dessus.")) as refused:
                declare_conflict(candidature, current_user, has_conflict=form.choice.data == CONFLICT,
                                 reason=form.reason.data or "", now=now(), jury=jury)
            if not refused:
                return _declared(jury, candidature, form.choice.data == CONFLICT)
            reasons = refused.reasons
    status = 422 if request.method == "POST" else 200
    return render_template("jury/declaration.html", stage=jury, candidature=candidature, form=form, reasons=reasons,
                           current=declaration_of(current_user, candidature, jury),
                           submitted=has_submitted(current_user, candidature, jury), blocker=jury.blocker(now())), status


def _declared(jury: Jury, candidature: Candidature, conflict: bool):
    if conflict:
        flash(_("Votre lien d’intérêt est enregistré : ce dossier ne vous sera pas présenté."), "success")
        return redirect(url_for(".index", stage=jury.name))
    flash(_("Votre déclaration est enregistrée : vous pouvez lire le dossier."), "success")
    return redirect(url_for(".scoresheet", stage=jury.name, candidature_id=candidature.id))


@bp.get(ONE + "/dossier")
@jurors_only
def dossier(stage: str, candidature_id: int):
    """The dossier once had a page of its own: its address (a bookmark, an open tab) leads to the sheet beside it."""
    jury, candidature, elsewhere = _readable(stage, candidature_id)  # to none but who may read it
    return elsewhere or redirect(url_for(".scoresheet", stage=jury.name, candidature_id=candidature.id), 301)


@bp.route(ONE + "/fiche", methods=["GET", "POST"])
@jurors_only
def scoresheet(stage: str, candidature_id: int):
    """The dossier and the juror's scoresheet beside it, on one page."""
    jury, candidature, elsewhere = _readable(stage, candidature_id)
    if elsewhere:
        return elsewhere
    contest = candidature.edition.contest
    form_class = scoresheet_form_class(contest)
    if request.method == "GET":
        sheet = sheet_of(current_user, candidature, jury)
        return _render_sheet(jury, candidature, form_class(data=scoresheet_data(sheet, contest)), sheet)
    form = form_class()
    if not form.validate_on_submit():
        return _render_sheet(jury, candidature, form, sheet_of(current_user, candidature, jury), status=400)
    if _saving_as_typed():
        return _autosaved(jury, candidature, form)
    return _save(jury, candidature, form)


def _saving_as_typed() -> bool:
    """The page's own script (static/js/autosave.js) saving the draft asks for an answer in JSON."""
    return request.accept_mimetypes.best == "application/json" and request.form.get("action") == "save"


def _stored(jury: Jury, candidature: Candidature, form, *, submit: bool, automatic: bool = False):
    """The sheet saved from the posted form (None when refused), and the refusals met."""
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    sheet = None
    with refusals() as refused:
        sheet = save_scoresheet(candidature, current_user, prefixed(request.form, "mark_"),
                                prefixed(request.form, "justification_"), form.comment.data or "",
                                submit=submit, now=now(), jury=jury, version=version, automatic=automatic)
    return sheet, refused


def _autosaved(jury: Jury, candidature: Candidature, form):
    """A draft saved as the juror types: the answer says when, or why not; the page keeps what was typed."""
    sheet, refused = _stored(jury, candidature, form, submit=False, automatic=True)
    if refused.stale:
        return {"message": _(
            "Votre fiche a été modifiée entre-temps (dans un autre onglet ?) : ce brouillon n’a pas été "
            "enregistré, vos saisies restent dans la page. Enregistrez-les avec le bouton pour voir les "
            "deux versions, ou rechargez la page pour garder la version enregistrée.")}, 409
    if refused:
        labels = _labels(form, candidature.edition.contest)
        said = [f"{labels[name]} : {translated(message)}" if name in labels else str(translated(message))
                for name, message in refused.problems.items()]
        said += [str(translated(reason)) for reason in refused.reasons if reason not in refused.problems.values()]
        return {"message": " ".join([_("Brouillon non enregistré, vos saisies restent dans la page."), *said])}, 422
    time = format_datetime(now(), _("H 'h' mm"))  # « 14 h 32 », in Paris time
    return {"version": sheet.version, "message": _("Brouillon enregistré à %(time)s.", time=time)}


def _labels(form, contest) -> dict[str, str]:
    """What the juror reads beside each field, to name the one refused."""
    labels = {"comment": str(form.comment.label.text)}
    for criterion in contest.criteria:
        name = worded(criterion, markup=False)
        labels[f"mark_{criterion.key}"] = name
        labels[f"justification_{criterion.key}"] = f"{name} — {form['justification_' + criterion.key].label.text}"
    return labels


def _save(jury: Jury, candidature: Candidature, form):
    sheet, refused = _stored(jury, candidature, form, submit=request.form.get("action") == "submit")
    if refused.stale:
        stored = sheet_differences(form, sheet_of(current_user, candidature, jury), candidature.edition.contest)
        return _refused(jury, candidature, form, [_(
            "Votre fiche a été modifiée entre-temps (dans un autre onglet ?) : vos saisies, affichées ci-dessous, "
            "n’ont pas été enregistrées. Sous chaque champ qui diffère, la version enregistrée est indiquée. "
            "Pour garder vos saisies, enregistrez de nouveau : elles remplaceront la version enregistrée. "
            "Pour garder la version enregistrée, rechargez la page.")], status=409, stored=stored)
    if refused.problems:
        return _refused(jury, candidature, form, [
            _("Certaines notes ne sont pas valides : rien n’a été enregistré."), *refused.place_on(form)], status=422)
    if refused and jury.blocker(now()):  # the jury has finished: the sheet as it stands, read-only, said once
        contest = candidature.edition.contest
        sheet = sheet_of(current_user, candidature, jury)
        stored = scoresheet_form_class(contest)(formdata=None, data=scoresheet_data(sheet, contest))
        return _render_sheet(jury, candidature, stored, sheet, status=422)
    if refused:
        return _refused(jury, candidature, form, refused.reasons, status=422)
    if sheet.status == "submitted":
        flash(_("Votre fiche de notation est rendue. Vous pouvez la modifier tant que le jury n’est pas clos."),
              "success")
    else:
        flash(_("Votre brouillon est enregistré."), "success")
    return redirect(url_for(".scoresheet", stage=jury.name, candidature_id=candidature.id))


def _refused(jury: Jury, candidature: Candidature, form, reasons, status, stored=None):
    """Show what was typed again, on top of the stored sheet: the next save is accepted."""
    sheet = sheet_of(current_user, candidature, jury)
    form.version.data = str(sheet.version if sheet else 0)
    return _render_sheet(jury, candidature, form, sheet, reasons, status, stored)


def _render_sheet(jury: Jury, candidature: Candidature, form, sheet, reasons=(), status=200, stored=None):
    """The page; ``sheet`` is the juror's stored sheet (or None), read once by the caller."""
    return render_template(
        "jury/scoresheet.html", stage=jury, candidature=candidature, contest=candidature.edition.contest,
        form=form, reasons=reasons, sheet=sheet, blocker=jury.blocker(now()), stored=stored or {},
        opinions=opinions_for(current_user, candidature, jury, may_read=True,  # every caller passed _readable
                              submitted=sheet is not None and sheet.submitted),
        record=regional_record(candidature) if jury.region is None else None,  # the national jury reads the region's
    ), status
